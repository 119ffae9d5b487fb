// Dashboard: the queue (due and waiting folders), each target's state and
// since when it fails, recent history (a rejected folder can be retried) and
// the loaded plugins; refreshed every few seconds.
import { ApiError, get, post } from './api.js';
import { absoluteTime, clear, h, message, timeNode } from './dom.js';

const REFRESH_MS = 3000;

// ok / retrying / unavailable from the engine's running / paused / blocked.
export function targetState(target) {
  if (target.state === 'paused' || target.state === 'blocked' || target.paused) return 'unavailable';
  if (target.last_error) return 'retrying';
  return 'ok';
}

function section(id, title, ...content) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

function failed(what, error) {
  return message(error instanceof ApiError && error.status === 404
    ? `${what} is not available in this daemon.`
    : `Could not load ${what}: ${error.message}`, 'error');
}

export async function renderDashboard(main) {
  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'Dashboard'),
    h('p', { class: 'muted small', 'aria-live': 'off', id: 'refreshed' })));
  const stats = h('div', { class: 'stats', role: 'group', 'aria-label': 'Queue summary' });
  const notices = h('div', { class: 'messages', 'aria-live': 'polite' });
  const grid = h('div', { class: 'grid' });
  main.append(stats, notices, grid);
  let timer = null;
  let alive = true;

  async function refresh() {
    const [health, queue, targets, history] = await Promise.allSettled([
      get('/health'), get('/api/queue?limit=50'), get('/api/targets'), get('/api/history?limit=15'),
    ]);
    if (!alive) return;
    clear(stats);
    clear(grid);
    const now = Date.now();

    if (queue.status === 'fulfilled') {
      const folders = queue.value.folders;
      // A delivery is due once its debounce (due_at) and any retry wait (next_attempt) are over.
      const dueAt = (folder) => Math.min(...folder.deliveries.map((d) => Math.max(d.due_at, d.next_attempt)));
      const due = folders.filter((f) => dueAt(f) <= now);
      const waiting = folders.filter((f) => dueAt(f) > now);
      const depth = queue.value.total;
      stats.append(
        stat('Queued folders', depth, 'queue-depth'),
        stat('Due now', due.length, 'queue-due'),
        stat('Waiting', waiting.length, 'queue-waiting'));
      if (queue.value.blocked) grid.append(message(`Deliveries are held: ${queue.value.blocked}`, 'error'));
      grid.append(section('queue-title', 'Queue', table('Queued folders',
        ['Folder', 'Source', 'Targets', 'Due', 'Events'],
        folders.map((f) => [
          h('code', { class: 'path' }, f.path),
          f.source,
          f.deliveries.map((d) => h('span', { class: 'tag' }, d.target)),
          dueAt(f) <= now ? h('span', { class: 'badge badge-ok' }, 'due') : timeNode(dueAt(f)),
          String(f.events),
        ]), 'The queue is empty.')));
    } else {
      grid.append(section('queue-title', 'Queue', failed('the queue', queue.reason)));
    }

    if (targets.status === 'fulfilled') {
      grid.append(section('targets-title', 'Targets', table('Targets',
        ['Target', 'State', 'Queued', 'Failing since', 'Last error'],
        targets.value.targets.map((t) => {
          const state = targetState(t);
          const why = t.blocked || t.last_error;
          // The folders stay queued while a target fails: say for how long, and how many wait.
          return [t.name, h('span', { class: `badge badge-${state}` }, state),
            String(t.queued), t.failing_since ? timeNode(t.failing_since) : '—',
            why ? h('span', { class: 'error-text' }, why) : '—'];
        }), 'No targets are configured.')));
    } else {
      grid.append(section('targets-title', 'Targets', failed('the targets', targets.reason)));
    }

    if (history.status === 'fulfilled') {
      grid.append(section('history-title', 'Recent scans', table('Recent scans',
        ['Finished', 'Folder', 'Target', 'Outcome', ''],
        history.value.history.map((e) => [
          timeNode(e.finished_at), h('code', { class: 'path' }, e.target_path || e.folder), e.target,
          h('span', { class: `badge badge-${e.outcome === 'ok' ? 'ok' : 'unavailable'}`, title: e.reason || '' }, e.outcome),
          retryCell(e),
        ]), 'Nothing scanned yet.')));
    } else {
      grid.append(section('history-title', 'Recent scans', failed('the history', history.reason)));
    }

    if (health.status === 'fulfilled') {
      grid.append(section('plugins-title', 'Plugins',
        h('p', { class: 'muted small' }, `Database ${health.value.database}, status ${health.value.status}.`),
        table('Loaded plugins', ['Plugin', 'Version', 'Kinds'],
          (health.value.plugins || []).map((p) => [p.name, p.version, p.kinds.join(', ')]),
          'No plugins are loaded.')));
    }
    document.getElementById('refreshed').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    timer = setTimeout(refresh, REFRESH_MS);
  }

  // A rejected folder goes back in its target's queue; one rejected under
  // settings of the target that have changed since is pointed out.
  function retryCell(entry) {
    if (!entry.retryable) return '';
    if (entry.retried_at) return h('span', { class: 'tag', title: absoluteTime(entry.retried_at) }, 'retried');
    const button = h('button', {
      type: 'button',
      class: 'button button-small',
      'aria-label': `Retry ${entry.folder} on ${entry.target}`,
      onclick: () => retry(entry),
    }, 'Retry');
    if (!entry.config_changed) return button;
    return h('span', { class: 'stale-config' },
      h('span', { class: 'muted small' }, 'rejected under an older configuration — retry?'), ' ', button);
  }

  async function retry(entry) {
    clear(notices);
    try {
      await post(`/api/history/${entry.id}/retry`);
      notices.append(message(`${entry.folder} is queued again for ${entry.target}.`, 'success'));
    } catch (error) {
      notices.append(message(`Retry of ${entry.folder} failed: ${error.message}`, 'error'));
    }
    clearTimeout(timer);
    await refresh();
  }

  await refresh();
  return () => {
    alive = false;
    clearTimeout(timer);
  };
}

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value', id }, String(value)),
    h('span', { class: 'stat-label' }, label));
}
