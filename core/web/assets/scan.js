// Manual scan: one or more paths; Explain shows, per path, what the daemon
// would do (rewrites, filters, targets, exact requests) before Queue sends them.
import { ApiError, post } from './api.js';
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
    // What Explain showed was for the paths as they were then: it goes with this action.
    clear(explanation);
    const paths = list();
    if (!paths.length) return status.append(message('Enter at least one path.', 'error'));
    try {
      const result = await post('/api/scan', { paths });
      status.append(message(summary(result), result.queued || result.merged ? 'success' : 'error'));
    } catch (error) {
      status.append(await refusal(paths, error));
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

// A refused batch: nothing of it was queued (it is all or nothing), and every
// path that was refused, with its reason (the daemon's answer names only the first).
async function refusal(paths, error) {
  if (!(error instanceof ApiError) || error.status !== 400 || paths.length < 2)
    return message(`Nothing was queued: ${error.message}`, 'error');
  const plans = await Promise.all(paths.map(async (path) => {
    try {
      return { path, plan: await post('/api/explain', { path, source: 'api' }) };
    } catch (failure) {
      return { path, error: failure.message };
    }
  }));
  const refused = plans.filter((p) => p.error || (p.plan.door && !p.plan.door.ok));
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('p', { class: 'alert-title' }, `Nothing was queued: ${refused.length || 'some'} of ${paths.length} paths ${refused.length === 1 ? 'was' : 'were'} refused. Fix or remove them and queue again.`),
    h('ul', { class: 'refusals' }, (refused.length ? refused : [{ path: paths[0], error: error.message }]).map((p) =>
      h('li', {}, h('code', {}, p.path), `: ${p.error || p.plan.door.error}`))));
}

// A target's own verdict: it skips the path, would scan it, or would refuse it.
function targetBadge(t) {
  if (!t.accepted) return h('span', { class: 'badge badge-unknown' }, 'skips');
  const verdict = t.explain && t.explain.verdict;
  if (verdict && verdict !== 'ok')
    return h('span', { class: `badge badge-${verdict === 'rejected' ? 'unavailable' : 'retrying'}` }, verdict);
  return h('span', { class: 'badge badge-ok' }, 'scans');
}

function summary(result) {
  const parts = [`${result.queued} queued`];
  if (result.merged) parts.push(`${result.merged} merged with folders already waiting`);
  if (result.filtered) parts.push(`${result.filtered} filtered out (no target takes them)`);
  return `Scan requested: ${parts.join(', ')}.`;
}

// The card's verdict, agreeing with each target's: queued and then rejected
// by every target that takes it is not a success.
export function headline(plan) {
  if (!plan.queued) return h('span', { class: 'badge badge-unavailable' }, 'would not be queued');
  const taking = (plan.targets || []).filter((t) => t.accepted);
  const refusing = taking.filter((t) => t.explain && t.explain.verdict && t.explain.verdict !== 'ok');
  if (!refusing.length) return h('span', { class: 'badge badge-ok' }, 'would be queued');
  const names = refusing.map((t) => t.target).join(', ');
  if (refusing.length === taking.length)
    return h('span', { class: 'badge badge-unavailable' }, `would be queued, then ${refusing[0].explain.verdict} by ${names}`);
  return h('span', { class: 'badge badge-retrying' }, `would be queued; ${names}: ${refusing[0].explain.verdict}`);
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
        targetBadge(t),
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
    h('h3', {}, h('code', {}, path), ' ', headline(plan)),
    h('dl', { class: 'plan-steps' }, rows),
    targets.length ? h('ul', { class: 'plan-targets' }, targets) : h('p', { class: 'muted' }, 'No target takes this path.'));
}
