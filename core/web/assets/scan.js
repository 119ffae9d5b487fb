// Manual scan: one or more paths; Explain shows, per path, what the daemon
// would do (rewrites, filters, targets, exact requests) before Queue sends them.
import { post } from './api.js';
import { clear, h, message } from './dom.js';

export async function renderScan(main) {
  const paths = h('textarea', { id: 'scan-paths', name: 'paths', rows: 5, required: true, spellcheck: 'false',
    placeholder: '/media/tv/Show/Season 01', 'aria-describedby': 'scan-help' });
  const status = h('div', { class: 'messages', 'aria-live': 'polite' });
  const explanation = h('div', { class: 'stack', id: 'explanation', 'aria-live': 'polite' });
  const list = () => paths.value.split('\n').map((p) => p.trim()).filter(Boolean);

  const explain = h('button', { type: 'button', class: 'button', onclick: async () => {
    clear(status);
    clear(explanation);
    if (!list().length) return status.append(message('Enter at least one path.', 'error'));
    for (const path of list()) {
      try {
        explanation.append(renderPlan(path, await post('/api/explain', { path, source: 'manual' })));
      } catch (error) {
        explanation.append(message(`${path}: ${error.message}`, 'error'));
      }
    }
  } }, 'Explain');

  const form = h('form', { class: 'card stack', 'aria-labelledby': 'scan-title', onsubmit: async (event) => {
    event.preventDefault();
    clear(status);
    if (!list().length) return status.append(message('Enter at least one path.', 'error'));
    try {
      const result = await post('/api/scan', { paths: list() });
      status.append(message(result.message || summary(result, list().length), 'success'));
    } catch (error) {
      status.append(message(error.message, 'error'));
    }
  } },
  h('h2', { id: 'scan-title', class: 'visually-hidden' }, 'Paths to scan'),
  h('div', { class: 'field' },
    h('label', { for: 'scan-paths' }, 'Paths'),
    paths,
    h('p', { id: 'scan-help', class: 'muted small' },
      'One folder or file per line, as the media tools see it; rewrite rules and filters apply as for a webhook.')),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Queue scan'), explain));

  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'Manual scan')), status, form, explanation);
}

function summary(result, count) {
  if (typeof result.added === 'number')
    return `Queued: ${result.added} added, ${result.merged ?? 0} merged, ${result.filtered ?? 0} filtered.`;
  return `Queued ${count} path${count === 1 ? '' : 's'}.`;
}

// One path's plan; unknown fields are shown as they come.
export function renderPlan(path, plan) {
  const rows = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== '') rows.push(h('dt', {}, label), h('dd', {}, value));
  };
  add('Input', h('code', {}, plan.input ?? path));
  if (plan.error) add('Refused', h('span', { class: 'error-text' }, plan.error));
  if (plan.rewritten && plan.rewritten !== plan.input)
    add('Rewritten', h('span', {}, h('code', {}, plan.rewritten), plan.rewrite_rule ? ` (rule ${plan.rewrite_rule})` : ''));
  add('Folder', plan.folder ? h('code', {}, plan.folder) : null);
  if (plan.source_filter) add('Source filter', typeof plan.source_filter === 'object'
    ? (plan.source_filter.reason || (plan.source_filter.included === false ? 'excluded' : 'passes'))
    : String(plan.source_filter));
  const targets = (plan.targets || []).map((t) => h('li', { class: 'plan-target' },
    h('strong', {}, t.target || t.name), ' ',
    h('span', { class: `badge badge-${t.accepted === false ? 'unavailable' : 'ok'}` }, t.accepted === false ? 'skipped' : 'scans'),
    t.path ? [' ', h('code', {}, t.path)] : null,
    t.reason ? h('p', { class: 'muted small' }, t.reason) : null,
    t.library ? h('p', { class: 'small' }, `Library: ${t.library}`) : null,
    (t.requests || []).length ? h('pre', { class: 'requests' },
      t.requests.map((r) => `${r.method} ${r.url}${r.body ? `\n${r.body}` : ''}`).join('\n')) : null));
  return h('article', { class: 'card plan', 'aria-label': `What happens to ${path}` },
    h('h3', {}, h('code', {}, path)),
    h('dl', { class: 'plan-steps' }, rows),
    targets.length ? h('ul', { class: 'plan-targets' }, targets) : h('p', { class: 'muted' }, 'No target scans this path.'));
}
