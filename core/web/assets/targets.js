// Targets: each configured target's state, and what its server says of itself
// (SDK 1.2 plugins: product, version, libraries with their folders), as
// `scanhookd doctor` shows it. A plugin that cannot describe its server shows
// "version unknown". The states follow the live stream; the servers are asked
// on opening the page and on "Check now".
import { get } from './api.js';
import { clear, h, message, pathNode, table } from './dom.js';
import { follow } from './live.js';
import { targetState } from './dashboard.js';

export async function renderTargets(main) {
  const list = h('div', { id: 'target-list' });
  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'Targets')),
    h('p', { class: 'lead' }, 'Each media server scanhook scans: whether it answers, its version, and its libraries.'),
    list);
  let alive = true;
  const cards = new Map();

  function card(target) {
    const badge = h('span', { class: 'badge' });
    const detail = h('div', { class: 'stack', 'aria-live': 'polite' });
    const check = h('button', { type: 'button', class: 'button button-small', onclick: () => describe() }, 'Check now');
    const node = h('section', { class: 'card target', 'aria-labelledby': `target-${target.name}` },
      h('div', { class: 'card-header' },
        h('h2', { id: `target-${target.name}` }, target.name, ' ', badge),
        check),
      detail);
    const setState = (t) => {
      const state = targetState(t);
      badge.className = `badge badge-${state}`;
      badge.textContent = state;
    };

    async function describe() {
      check.disabled = true;
      clear(detail).append(h('p', { class: 'muted small' }, 'Asking the server…'));
      let d;
      try {
        d = await get(`/api/targets/${encodeURIComponent(target.name)}/description`);
      } catch (error) {
        clear(detail).append(message(`Could not ask ${target.name}: ${error.message}`, 'error'));
        return;
      } finally {
        check.disabled = false;
      }
      if (!alive) return;
      clear(detail);
      const server = d.describes
        ? `${d.product || 'server'} ${d.version || (d.state === 'ok' ? '(version unknown)' : '(not reached: version unknown)')}`
        : `version unknown (the ${d.plugin} plugin ${d.plugin_version} does not describe its server)`;
      detail.append(h('dl', { class: 'plan-steps' },
        h('dt', {}, 'Server'), h('dd', { class: 'server-version' }, server),
        // Only a target that describes its server asked one; another says what its probe checked.
        h('dt', {}, 'Answers'), h('dd', {}, d.state === 'ok'
          ? h('span', { class: 'badge badge-ok' }, d.describes ? 'reachable, credentials accepted' : (d.reason || 'its probe passed'))
          : h('span', { class: 'error-text' }, `${d.state}: ${d.reason}`))));
      if (d.describes && d.state === 'ok')
        detail.append(table(`Libraries of ${target.name}`, ['Library', 'Id', 'Folders'],
          d.libraries.map((l) => [l.name, h('code', {}, l.id), h('div', {}, l.folders.map((f) => h('div', {}, pathNode(f))))]),
          'The server lists no libraries.'));
    }
    return { node, setState, describe };
  }

  async function states() {
    let targets;
    try {
      targets = (await get('/api/targets')).targets;
    } catch (error) {
      clear(list).append(message(`Could not load the targets: ${error.message}`, 'error'));
      return;
    }
    if (!alive) return;
    if (!targets.length) {
      clear(list).append(h('p', { class: 'muted' }, 'No targets are configured.'));
      return;
    }
    for (const t of targets) {
      if (!cards.has(t.name)) {
        const made = card(t);
        cards.set(t.name, made);
        list.append(made.node);
        made.describe();
      }
      cards.get(t.name).setState(t);
    }
  }

  await states();
  const stop = follow((topics) => {
    if (topics.has('targets')) states();
  });
  return () => {
    alive = false;
    stop();
  };
}
