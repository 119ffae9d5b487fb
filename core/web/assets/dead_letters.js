// Dead letters: webhook requests that could not be used, kept to inspect
// (headers, body, error) and replay once the cause is fixed.
import { get, post, request } from './api.js';
import { clear, h, message, timeNode } from './dom.js';
import { follow } from './live.js';

export async function renderDeadLetters(main) {
  const status = h('div', { class: 'messages', 'aria-live': 'polite' });
  const listArea = h('div', {});
  const detail = h('div', { id: 'dead-letter-detail' });
  main.append(h('div', { class: 'page-header' }, h('h1', {}, 'Dead letters')),
    h('p', { class: 'lead' }, 'Webhook requests scanhook could not use. Inspect one, fix the cause, then replay it.'),
    status, h('section', { class: 'card', 'aria-label': 'Dead letters' }, listArea), detail);

  async function load() {
    let letters;
    try {
      letters = (await get('/api/deadletters')).dead_letters;
    } catch (error) {
      clear(listArea).append(message(`Could not load the dead letters: ${error.message}`, 'error'));
      return;
    }
    clear(listArea); // after the answer: loads that overlap each draw the list once
    if (!letters.length) {
      listArea.append(h('p', { class: 'muted empty' }, 'No dead letters. Every webhook so far was usable.'));
      return;
    }
    listArea.append(h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Dead letters'),
      h('thead', {}, h('tr', {}, ['Received', 'Source', 'Error', 'Attempts', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, letters.map((letter) => h('tr', {},
        h('td', {}, timeNode(letter.received_at)),
        h('td', {}, letter.source),
        h('td', { class: 'error-text' }, letter.error),
        h('td', {}, String(letter.attempts)),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'button button-small', onclick: () => inspect(letter) }, 'Inspect'),
          h('button', { type: 'button', class: 'button button-small', onclick: () => replay(letter) }, 'Replay'),
          h('button', {
            type: 'button',
            class: 'button button-small button-danger',
            'aria-label': `Delete dead letter ${letter.id}`,
            onclick: () => remove(letter),
          }, 'Delete'))))))));
  }

  // Gone for good: asked first.
  async function remove(letter) {
    if (!window.confirm(`Delete dead letter ${letter.id} from ${letter.source}? It cannot be replayed afterwards.`)) return;
    clear(status);
    try {
      await request('DELETE', `/api/deadletters/${letter.id}`);
      status.append(message(`Dead letter ${letter.id} deleted.`, 'success'));
      if (shown === letter.id) clear(detail);
    } catch (error) {
      status.append(message(`Deleting ${letter.id} failed: ${error.message}`, 'error'));
    }
    await load();
  }

  let shown = null; // the letter whose detail is open

  function inspect(letter) {
    clear(detail);
    shown = letter.id;
    // headers: {"Name": "value"}; query: [["name", "value"], ...]
    const pairs = (list) => (Array.isArray(list) ? list : Object.entries(list || {}))
      .map(([name, value]) => `${name}: ${value}`).join('\n');
    let body = letter.body || '';
    try {
      body = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON: shown as received
    }
    detail.append(h('section', { class: 'card stack', 'aria-labelledby': 'letter-title' },
      h('h2', { id: 'letter-title', tabindex: '-1' }, `Dead letter ${letter.id} from ${letter.source}`),
      h('p', { class: 'error-text' }, letter.error),
      h('h3', {}, 'Headers'), h('pre', {}, pairs(letter.headers) || '(none)'),
      letter.query && letter.query.length ? [h('h3', {}, 'Query'), h('pre', {}, pairs(letter.query))] : null,
      h('h3', {}, 'Body'), h('pre', { class: 'body' }, body || '(empty)'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button button-primary', onclick: () => replay(letter) }, 'Replay'),
        h('button', { type: 'button', class: 'button button-danger', onclick: () => remove(letter) }, 'Delete'))));
    detail.querySelector('h2').focus();
  }

  async function replay(letter) {
    clear(status);
    try {
      const result = await post(`/api/deadletters/${letter.id}/replay`);
      status.append(message(`Dead letter ${letter.id} replayed: ${result.message || 'accepted'} (${result.queued ?? 0} queued).`, 'success'));
      clear(detail);
    } catch (error) {
      status.append(message(`Replay of ${letter.id} failed: ${error.message}`, 'error'));
    }
    await load();
  }

  await load();
  // New letters (and ones replayed or deleted elsewhere) show up by themselves.
  return follow((topics) => {
    if (topics.has('dead_letters')) load();
  });
}
