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
        explanation.append(renderPlan(path, await post('/api/explain', { path, source: 'api' })));
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
      status.append(message(summary(result), result.queued || result.merged ? 'success' : 'error'));
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

function summary(result) {
  const parts = [`${result.queued} queued`];
  if (result.merged) parts.push(`${result.merged} merged with folders already waiting`);
  if (result.filtered) parts.push(`${result.filtered} filtered out (no target takes them)`);
  return `Scan requested: ${parts.join(', ')}.`;
}

// One path's plan, step by step as /api/explain answers it.
export function renderPlan(path, plan) {
  const rows = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== '') rows.push(h('dt', {}, label), h('dd', {}, value));
  };
  add('Input', h('code', {}, plan.input));
  if (plan.rewrite && plan.rewrite.rule)
    add('Rewritten', h('span', {}, h('code', {}, plan.rewrite.result), ` (rule ${plan.rewrite.rule})`));
  else add('Rewritten', 'no rewrite rule matched');
  if (plan.door && !plan.door.ok) add('Refused', h('span', { class: 'error-text' }, plan.door.error));
  if (plan.door && plan.door.ok) {
    add('Filters', plan.filter.accepted
      ? 'passes the source\'s include/exclude rules'
      : h('span', { class: 'error-text' }, plan.filter.reason || 'filtered out'));
    add('Folder scanned', h('code', {}, plan.folder));
  }
  const targets = (plan.targets || []).map((t) => {
    const explained = t.explain || {};
    const requests = explained.requests || [];
    return h('li', { class: 'plan-target' },
      h('div', { class: 'plan-target-head' },
        h('strong', {}, t.target), ' ',
        h('span', { class: `badge badge-${t.accepted ? 'ok' : 'unavailable'}` }, t.accepted ? 'scans' : 'skips'),
        t.path ? [' ', h('code', { class: 'path' }, t.path)] : null),
      t.rewrite_rule ? h('p', { class: 'muted small' }, `Target rewrite: ${t.rewrite_rule}`) : null,
      t.reason ? h('p', { class: 'muted small' }, t.reason) : null,
      explained.library ? h('p', { class: 'small' }, `Library: ${explained.library}`) : null,
      explained.verdict && explained.verdict !== 'ok'
        ? h('p', { class: 'error-text small' }, `${explained.verdict}: ${explained.reason}`) : null,
      requests.length ? h('pre', { class: 'requests', 'aria-label': `Requests to ${t.target}` },
        requests.map((r) => `${r.method} ${r.url}${r.body ? `\n${r.body}` : ''}`).join('\n')) : null);
  });
  return h('article', { class: 'card plan', 'aria-label': `What happens to ${path}` },
    h('h3', {}, h('code', {}, path), ' ',
      h('span', { class: `badge badge-${plan.queued ? 'ok' : 'unavailable'}` }, plan.queued ? 'would be queued' : 'would not be queued')),
    h('dl', { class: 'plan-steps' }, rows),
    targets.length ? h('ul', { class: 'plan-targets' }, targets) : h('p', { class: 'muted' }, 'No target takes this path.'));
}
