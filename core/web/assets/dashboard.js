// Dashboard: the queue (due and waiting folders), each target's state and
// since when it fails, recent history (a rejected folder shows its reason and
// can be retried) and the loaded plugins. Kept current by the live event
// stream (live.js): each change reloads only the part it touched.
import { ApiError, get, post } from './api.js';
import { absoluteTime, clear, h, message, pathNode, table, timeNode } from './dom.js';
import { follow, liveText } from './live.js';

// Relative times ("due in 3 minutes") are redrawn from what was loaded, without asking the daemon.
const REDRAW_MS = 15000;

// unknown / ok / retrying / unavailable from the engine's state: a target that
// has not answered anything since start-up is not known to work; one whose
// answers are all retries is failing (a rejected folder is an answer: the
// target works, and its last error stays shown beside).
export function targetState(target) {
  if (target.state === 'paused' || target.state === 'blocked' || target.paused) return 'unavailable';
  if (target.failing_since) return 'retrying';
  if (!target.last_answer) return 'unknown';
  return 'ok';
}

export function outcomeBadge(entry) {
  const kind = entry.outcome === 'ok' ? 'ok' : entry.outcome === 'rejected' ? 'unavailable' : 'unknown';
  return h('span', { class: `badge badge-${kind}` }, entry.outcome);
}

function section(id, title, ...content) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

function failed(what, error) {
  return message(error instanceof ApiError && error.status === 404
    ? `${what} is not available in this daemon.`
    : `Could not load ${what}: ${error.message}`, 'error');
}

export async function renderDashboard(main) {
  const live = h('p', { class: 'muted small', 'aria-live': 'off', id: 'refreshed' });
  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'Dashboard'), live));
  const stats = h('div', { class: 'stats', role: 'group', 'aria-label': 'Queue summary' });
  const notices = h('div', { class: 'messages', 'aria-live': 'polite' });
  const queueArea = h('div', {});
  const targetsArea = h('div', {});
  const historyArea = h('div', {});
  const pluginsArea = h('div', {});
  // The queue and the history hold paths: they get the page's whole width.
  main.append(stats, notices, queueArea, historyArea, h('div', { class: 'grid' },
    h('div', { class: 'column' }, targetsArea), h('div', { class: 'column' }, pluginsArea)));
  let alive = true;
  let status = '';
  const loaded = {}; // the last answer of each part, for redraws

  const stamp = () => {
    live.textContent = [liveText(status), `updated ${new Date().toLocaleTimeString()}`].filter(Boolean).join(' · ');
  };

  async function load(part, path) {
    try {
      loaded[part] = { value: await get(path) };
    } catch (error) {
      loaded[part] = { error };
    }
  }

  function drawQueue() {
    clear(stats);
    clear(queueArea);
    const queue = loaded.queue;
    if (!queue) return;
    if (queue.error) return queueArea.append(section('queue-title', 'Queue', failed('the queue', queue.error)));
    const now = Date.now();
    const { folders } = queue.value;
    // A delivery is due once its debounce (due_at) and any retry wait (next_attempt) are over.
    const dueAt = (folder) => Math.min(...folder.deliveries.map((d) => Math.max(d.due_at, d.next_attempt)));
    const due = folders.filter((f) => dueAt(f) <= now);
    stats.append(
      stat('Queued folders', queue.value.total, 'queue-depth'),
      stat('Due now', due.length, 'queue-due'),
      stat('Waiting', folders.length - due.length, 'queue-waiting'));
    if (queue.value.blocked) queueArea.append(message(`Deliveries are held: ${queue.value.blocked}`, 'error'));
    queueArea.append(section('queue-title', 'Queue', table('Queued folders',
      ['Folder', 'Source', 'Targets', 'Due', 'Events'],
      folders.map((f) => [
        pathNode(f.path),
        f.source,
        f.deliveries.map((d) => h('span', { class: 'tag' }, d.target)),
        dueAt(f) <= now ? h('span', { class: 'badge badge-ok' }, 'due') : timeNode(dueAt(f)),
        String(f.events),
      ]), 'The queue is empty.')));
  }

  function drawTargets() {
    clear(targetsArea);
    const targets = loaded.targets;
    if (!targets) return;
    if (targets.error) return targetsArea.append(section('targets-title', 'Targets', failed('the targets', targets.error)));
    targetsArea.append(section('targets-title', 'Targets', table('Targets',
      ['Target', 'State', 'Queued', 'Failing since', 'Last error'],
      targets.value.targets.map((t) => {
        const state = targetState(t);
        // An error the target has recovered from is its past: shown muted, with its time.
        const past = t.last_error && t.last_error_past;
        const why = t.blocked || (past ? '' : t.last_error) || (state === 'unknown' ? 'not tried since start-up' : '');
        // The folders stay queued while a target fails: say for how long, and how many wait.
        return [h('a', { href: '#/targets' }, t.name), h('span', { class: `badge badge-${state}` }, state),
          String(t.queued), t.failing_since ? timeNode(t.failing_since) : '—',
          why ? h('span', { class: state === 'unknown' ? 'muted small' : 'error-text' }, why)
            : past ? h('span', { class: 'muted small' }, 'recovered; earlier (', timeNode(t.last_error_at), '): ', t.last_error)
              : '—'];
      }), 'No targets are configured.')));
  }

  function drawHistory() {
    clear(historyArea);
    const history = loaded.history;
    if (!history) return;
    if (history.error) return historyArea.append(section('history-title', 'Recent scans', failed('the history', history.error)));
    historyArea.append(section('history-title', 'Recent scans', table('Recent scans',
      ['Finished', 'Folder', 'Target', 'Outcome', ''],
      history.value.history.map((e) => [
        timeNode(e.finished_at), pathNode(e.target_path || e.folder), e.target || '—',
        // The reason is on the page, not only in a tooltip.
        h('div', { class: 'outcome' }, outcomeBadge(e), e.reason ? h('p', { class: 'reason small' }, e.reason) : null),
        retryCell(e),
      ]), 'Nothing scanned yet.'),
    h('p', { class: 'small' }, h('a', { href: '#/history' }, 'All history, with search and filters'))));
  }

  function drawPlugins() {
    clear(pluginsArea);
    const health = loaded.health;
    if (!health || health.error) return;
    pluginsArea.append(section('plugins-title', 'Plugins',
      h('p', { class: 'muted small' }, `Database ${health.value.database}, status ${health.value.status}.`),
      table('Loaded plugins', ['Plugin', 'Version', 'Kinds'],
        (health.value.plugins || []).map((p) => [p.name, p.version, p.kinds.join(', ')]),
        'No plugins are loaded.')));
  }

  async function refresh(topics) {
    const jobs = [];
    if (topics.has('queue')) jobs.push(load('queue', '/api/queue?limit=50'));
    if (topics.has('targets')) jobs.push(load('targets', '/api/targets'));
    if (topics.has('history')) jobs.push(load('history', '/api/history?limit=15'));
    if (topics.has('health')) jobs.push(load('health', '/health'));
    if (!jobs.length) return;
    await Promise.all(jobs);
    if (!alive) return;
    if (topics.has('queue')) drawQueue();
    if (topics.has('targets')) drawTargets();
    if (topics.has('history')) drawHistory();
    if (topics.has('health')) drawPlugins();
    stamp();
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
  }

  await refresh(new Set(['queue', 'targets', 'history', 'health']));
  const stop = follow((topics) => {
    if (alive) refresh(topics);
  }, (next) => {
    status = next;
    stamp();
  });
  const redraw = setInterval(() => {
    drawQueue();
    drawTargets();
  }, REDRAW_MS);
  return () => {
    alive = false;
    stop();
    clearInterval(redraw);
  };
}

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value', id }, String(value)),
    h('span', { class: 'stat-label' }, label));
}
