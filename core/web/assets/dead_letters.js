// Dead letters: webhook requests that could not be used, kept to inspect
// (headers, body, error) and replay once the cause is fixed.
import { get, post, request } from './api.js';
import { clear, counted, h, message, table, timeNode } from './dom.js';
import { follow } from './live.js';

// The listing shows an error's start; Inspect shows it whole.
const ERROR_SHOWN = 240;

function shortError(text) {
  return text.length > ERROR_SHOWN ? `${text.slice(0, ERROR_SHOWN)}…` : text;
}

function sizeText(bytes) {
  if (bytes < 1024) return counted(bytes, 'byte');
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

// A stored name, value or body: a string, or {base64} for bytes that are not UTF-8.
function bytesText(value) {
  return typeof value === 'string' ? value : `(not UTF-8, base64) ${value.base64}`;
}

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
    // One block per letter on a phone (table-stack); an error or path with
    // no spaces wraps anywhere, so the buttons never leave the screen.
    listArea.append(table('Dead letters', ['Received', 'Source', 'Error', 'Body', 'Attempts', ''],
      letters.map((letter) => [
        timeNode(letter.received_at),
        letter.source,
        h('span', { class: 'error-text wrap-anywhere', title: letter.error }, shortError(letter.error)),
        h('span', { class: 'nowrap' }, sizeText(letter.body_bytes)),
        String(letter.attempts),
        h('div', { class: 'actions row-actions' },
          h('button', { type: 'button', class: 'button button-small', onclick: () => inspect(letter) }, 'Inspect'),
          h('button', { type: 'button', class: 'button button-small', onclick: () => replay(letter) }, 'Replay'),
          h('button', {
            type: 'button',
            class: 'button button-small button-danger',
            'aria-label': `Delete dead letter ${letter.id}`,
            onclick: () => remove(letter),
          }, 'Delete')),
      ]), ''));
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

  // The listing holds a preview of each body; Inspect fetches the letter whole.
  async function inspect(listed) {
    clear(detail);
    shown = listed.id;
    let letter;
    try {
      letter = await get(`/api/deadletters/${listed.id}`);
    } catch (error) {
      detail.append(message(`Could not load dead letter ${listed.id}: ${error.message}`, 'error'));
      return;
    }
    if (shown !== listed.id) return; // another Inspect came first
    // headers and query: [[name, value], ...], each a string or {base64}
    const pairs = (list) => list.map(([name, value]) => `${bytesText(name)}: ${bytesText(value)}`).join('\n');
    let body = bytesText(letter.body);
    try {
      body = JSON.stringify(JSON.parse(letter.body), null, 2);
    } catch {
      // not JSON: shown as received
    }
    detail.append(h('section', { class: 'card stack', 'aria-labelledby': 'letter-title' },
      h('h2', { id: 'letter-title', tabindex: '-1' }, `Dead letter ${letter.id} from ${letter.source}`),
      h('p', { class: 'error-text wrap-anywhere' }, letter.error),
      h('h3', {}, 'Headers'), h('pre', {}, pairs(letter.headers) || '(none)'),
      letter.query.length ? [h('h3', {}, 'Query'), h('pre', {}, pairs(letter.query))] : null,
      h('h3', {}, `Body (${sizeText(letter.body_bytes)})`), h('pre', { class: 'body' }, body || '(empty)'),
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
