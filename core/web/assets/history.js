// History: everything that left the queue (or never entered it), newest
// first, searched by path and filtered by source, target, outcome and time;
// each row shows its reason. New rows appear by themselves (live.js).
import { ApiError, get } from './api.js';
import { clear, counted, h, message, pathNode, table, timeNode } from './dom.js';
import { follow } from './live.js';
import { outcomeBadge } from './dashboard.js';

const PAGE = 50;
const OUTCOMES = ['ok', 'rejected', 'dropped', 'filtered', 'ignored'];

export async function renderHistory(main) {
  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const path = h('input', { type: 'search', id: 'history-path', name: 'path', placeholder: 'part of a folder', spellcheck: 'false' });
  const source = h('input', { type: 'text', id: 'history-source', name: 'source', placeholder: 'any', spellcheck: 'false' });
  const target = h('select', { id: 'history-target', name: 'target' }, h('option', { value: '' }, 'any'));
  const outcome = h('select', { id: 'history-outcome', name: 'outcome' }, h('option', { value: '' }, 'any'),
    OUTCOMES.map((o) => h('option', { value: o }, o)));
  const since = h('input', { type: 'datetime-local', id: 'history-since', name: 'since' });
  const until = h('input', { type: 'datetime-local', id: 'history-until', name: 'until' });
  const status = h('div', { class: 'messages', 'aria-live': 'polite' });
  const results = h('div', { id: 'history-results' });
  const count = h('p', { class: 'muted small', id: 'history-count', 'aria-live': 'polite' });
  let offset = 0;
  let alive = true;

  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': 'Search the history', onsubmit: (event) => {
    event.preventDefault();
    offset = 0;
    load();
  } },
  field('history-path', 'Path', path), field('history-source', 'Source', source),
  field('history-target', 'Target', target), field('history-outcome', 'Outcome', outcome),
  field('history-since', 'Finished from', since), field('history-until', 'Finished before', until),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'button button-primary' }, 'Search'),
    h('button', { type: 'button', class: 'button', onclick: () => {
      form.reset();
      offset = 0;
      load();
    } }, 'Clear')));

  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'History')),
    h('p', { class: 'lead' }, 'Every folder delivered, rejected, dropped, filtered or ignored, with the reason.'),
    form, status, h('section', { class: 'card', 'aria-label': 'History entries' }, count, results));

  function query() {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (path.value.trim()) params.set('path', path.value.trim());
    if (source.value.trim()) params.set('source', source.value.trim());
    if (target.value) params.set('target', target.value);
    if (outcome.value) params.set('outcome', outcome.value);
    // datetime-local is the browser's local time; the daemon takes milliseconds since the epoch.
    if (since.value) params.set('since', String(new Date(since.value).getTime()));
    if (until.value) params.set('until', String(new Date(until.value).getTime()));
    return params;
  }

  async function load() {
    let answer;
    try {
      answer = await get(`/api/history?${query()}`);
    } catch (error) {
      if (!alive) return;
      clear(status).append(message(error instanceof ApiError && error.status === 400
        ? `The search was refused: ${error.message}` : `Could not load the history: ${error.message}`, 'error'));
      return;
    }
    if (!alive) return;
    clear(status);
    clear(results);
    const first = answer.total ? offset + 1 : 0;
    count.textContent = counted(answer.total, 'entry', 'entries') +
      (answer.total > answer.history.length ? `, showing ${first}–${offset + answer.history.length}` : '');
    results.append(table('History', ['Finished', 'Folder', 'Source', 'Target', 'Outcome', 'Attempts'],
      answer.history.map((e) => [
        timeNode(e.finished_at),
        h('div', {}, pathNode(e.folder), e.target_path && e.target_path !== e.folder
          ? h('p', { class: 'muted small' }, 'sent as ', pathNode(e.target_path)) : null),
        e.source || '—', e.target || '—',
        h('div', { class: 'outcome' }, outcomeBadge(e), e.reason ? h('p', { class: 'reason small' }, e.reason) : null),
        String(e.attempts),
      ]), 'No history entry matches.'));
    const pager = h('div', { class: 'actions' });
    if (offset > 0)
      pager.append(h('button', { type: 'button', class: 'button', onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, 'Newer'));
    if (offset + answer.history.length < answer.total)
      pager.append(h('button', { type: 'button', class: 'button', onclick: () => { offset += PAGE; load(); } }, 'Older'));
    if (pager.childNodes.length) results.append(pager);
  }

  try {
    for (const t of (await get('/api/targets')).targets) target.append(h('option', { value: t.name }, t.name));
  } catch {
    // the target list only fills the filter's choices
  }
  await load();
  const stop = follow((topics) => {
    if (topics.has('history')) load();
  });
  return () => {
    alive = false;
    stop();
  };
}
