// Online Media Sources (plex_optout): connect with Plex by PIN, then a switch
// per source (on = Plex offers it), "Disable all", sign out. A plex.tv
// sign-out (401 with signed_out) comes back to the signed-out view.
import { ApiError, request } from './api.js';
import { clear, h, message } from './dom.js';

const STATE_TEXT = {
  opt_in: 'On',
  opt_out: 'Off',
  opt_out_managed: 'Off (managed users too)',
  unknown: 'Not set yet (Plex default: on)',
  not_offered: 'No longer offered by plex.tv',
};

export async function renderSources(main, instance) {
  const base = `/api/${instance}`;
  let pollTimer = null;
  let alive = true;
  const stopPolling = () => {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  };

  const heading = h('h1', {}, 'Online Media Sources');
  const intro = h('p', { class: 'lead' },
    'Plex switches on its own music, podcasts, news, web shows, Live TV and free movies for every account. ',
    'Turn off the ones you do not want; the setting is kept by plex.tv for your whole account.');
  const status = h('div', { class: 'messages', 'aria-live': 'polite' });
  const body = h('div', { class: 'stack' });
  main.append(h('div', { class: 'page-header' }, heading), intro, status, body);

  const say = (text, kind = 'info') => {
    clear(status);
    if (text) status.append(message(text, kind));
  };

  async function call(method, path, payload, options) {
    try {
      return await request(method, `${base}/${path}`, payload, options);
    } catch (error) {
      if (error instanceof ApiError && error.signedOut) {
        stopPolling();
        showSignedOut(error.message);
        return null;
      }
      throw error;
    }
  }

  // --- signed out -------------------------------------------------------
  function showSignedOut(text) {
    stopPolling();
    clear(body);
    say(text || '', text ? 'error' : 'info');
    const connect = h('button', { type: 'button', class: 'button button-primary', onclick: startPin },
      'Connect with Plex');
    body.append(h('section', { class: 'card', 'aria-labelledby': 'connect-title' },
      h('h2', { id: 'connect-title' }, 'Not connected to plex.tv'),
      h('p', {}, 'scanhook signs in to plex.tv with a PIN, like a Plex app on a TV. ',
        'The token stays on this server; your browser never sees it.'),
      h('div', { class: 'actions' }, connect)));
  }

  async function startPin() {
    say('');
    let pin;
    try {
      pin = (await call('POST', 'auth/pin')).body;
    } catch (error) {
      say(error.message, 'error');
      return;
    }
    clear(body);
    const waiting = h('p', { class: 'waiting', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      'Waiting for you to approve the PIN at plex.tv…');
    const cancel = h('button', {
      type: 'button', class: 'button', onclick: async () => {
        stopPolling();
        try {
          await call('DELETE', `auth/pin/${pin.id}`, undefined, { accept: [404] });
        } catch (error) {
          say(error.message, 'error');
        }
        showSignedOut('');
        say('Cancelled: nothing was connected.');
      },
    }, 'Cancel');
    // A strong PIN (25 characters) is not for typing: the link carries it.
    const strong = pin.code.length > 8;
    body.append(h('section', { class: 'card pin-card', 'aria-labelledby': 'pin-title' },
      h('h2', { id: 'pin-title' }, 'Connect with Plex'),
      h('ol', { class: 'steps' },
        h('li', {}, 'Open ', h('a', { href: pin.auth_url, target: '_blank', rel: 'noopener noreferrer' }, 'app.plex.tv'),
          ' and sign in with the Plex account to manage.'),
        h('li', {}, strong
          ? 'Approve the sign-in there; the link already carries this PIN:'
          : 'If Plex asks for a code, enter this one:')),
      h('p', { class: strong ? 'pin-code pin-code-long' : 'pin-code', 'aria-label': `PIN ${pin.code.split('').join(' ')}` }, pin.code),
      waiting,
      h('div', { class: 'actions' },
        h('a', { class: 'button button-primary', href: pin.auth_url, target: '_blank', rel: 'noopener noreferrer' }, 'Open app.plex.tv'),
        cancel)));
    poll(pin.id);
  }

  function poll(id) {
    pollTimer = setTimeout(async () => {
      if (!alive) return;
      try {
        const answer = await call('GET', `auth/pin/${id}`, undefined, { accept: [404] });
        if (!answer || !alive) return;
        if (answer.status === 404) {
          showSignedOut('That PIN is no longer waiting for approval: start again.');
          return;
        }
        if (answer.body.state === 'approved') {
          say(`Connected to plex.tv as ${answer.body.username}.`, 'success');
          await showSources(false);
          return;
        }
        if (answer.body.state === 'expired') {
          showSignedOut(answer.body.message || 'The PIN expired: start again.');
          return;
        }
        poll(id);
      } catch (error) {
        showSignedOut(error.message);
      }
    }, 1000);
  }

  // --- signed in --------------------------------------------------------
  async function showSources(clearMessage = true) {
    const answer = await call('GET', 'sources');
    if (!answer) return;
    const data = answer.body;
    if (clearMessage) say('');
    clear(body);
    const signOut = h('button', {
      type: 'button', class: 'button button-quiet', onclick: async () => {
        try {
          await call('DELETE', 'auth');
          showSignedOut('');
          say('Signed out of plex.tv. The device stays listed under Authorized Devices in your Plex account until you remove it there.');
        } catch (error) {
          say(error.message, 'error');
        }
      },
    }, 'Sign out of plex.tv');
    const disableAll = h('button', { type: 'button', class: 'button button-danger', onclick: () => dialog.showModal() },
      'Disable all');
    const list = h('ul', { class: 'source-list', 'aria-label': 'Online Media Sources' });
    const rows = new Map();
    for (const source of data.sources) {
      const row = sourceRow(source);
      rows.set(source.key, row);
      list.append(row.node);
    }
    const note = data.note ? h('p', { class: 'note', id: 'sources-note' }, data.note) : null;
    const dialog = confirmDialog(async (managed) => {
      disableAll.disabled = true;
      try {
        const answer = await call('POST', 'sources/disable-all', managed ? { managed: true } : undefined, { accept: [207] });
        if (!answer) return;
        const result = answer.body;
        for (const item of result.results || []) rows.get(item.key)?.set(item.state, item.error);
        // The note explains states plex.tv has not listed yet: once every state is known, it goes.
        if (![...rows.values()].some((row) => row.state() === 'unknown')) note?.remove();
        say(result.message, answer.status === 207 ? 'error' : 'success');
      } catch (error) {
        say(error.message, 'error');
      } finally {
        disableAll.disabled = false;
      }
    });
    body.append(
      h('section', { class: 'card', 'aria-labelledby': 'account-title' },
        h('div', { class: 'card-header' },
          h('div', {},
            h('h2', { id: 'account-title' }, 'Your sources'),
            h('p', { class: 'muted small' }, `plex.tv account: ${data.username}`)),
          h('div', { class: 'actions' }, disableAll, signOut)),
        note,
        list),
      dialog);
  }

  function sourceRow(source) {
    const stateText = h('span', { class: 'state' });
    const error = h('p', { class: 'row-error', role: 'alert', hidden: true });
    const toggle = h('button', { type: 'button', role: 'switch', class: 'switch', 'aria-label': source.title, 'aria-describedby': `desc-${cssId(source.key)}` },
      h('span', { class: 'switch-thumb', 'aria-hidden': 'true' }));
    let state = source.state;
    const set = (value, failure) => {
      state = value;
      toggle.setAttribute('aria-checked', String(value === 'opt_in' || value === 'unknown'));
      stateText.textContent = STATE_TEXT[value] || value;
      stateText.dataset.state = value;
      error.hidden = !failure;
      error.textContent = failure || '';
    };
    set(state);
    toggle.addEventListener('click', async () => {
      const before = state;
      const on = toggle.getAttribute('aria-checked') === 'true';
      const wanted = on ? 'opt_out' : 'opt_in';
      set(wanted); // optimistic: the switch moves at once
      toggle.disabled = true;
      try {
        const answer = await call('PATCH', `sources/${encodeURIComponent(source.key)}`, { value: wanted });
        if (answer) set(answer.body.state);
      } catch (failure) {
        set(before, `Could not turn ${source.title} ${on ? 'off' : 'on'}: ${failure.message}`);
        say(`${source.title} was not changed: ${failure.message}`, 'error');
      } finally {
        toggle.disabled = false;
      }
    });
    const node = h('li', { class: 'source', 'data-key': source.key },
      h('div', { class: 'source-text' },
        h('span', { class: 'source-title' }, source.title),
        h('span', { class: 'muted small', id: `desc-${cssId(source.key)}` }, source.description),
        error),
      h('div', { class: 'source-control' }, stateText, toggle));
    return { node, set, state: () => state };
  }

  function confirmDialog(onConfirm) {
    const managed = h('input', { type: 'checkbox', id: 'disable-managed' });
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'disable-title' },
      h('form', { method: 'dialog', class: 'stack' },
        h('h2', { id: 'disable-title' }, 'Disable all Online Media Sources?'),
        h('p', {}, 'Every source is turned off on plex.tv for this account. You can turn each one on again here.'),
        h('div', { class: 'check' }, managed,
          h('label', { for: 'disable-managed' }, 'Also for managed users (opt_out_managed, where plex.tv allows it)')),
        h('div', { class: 'actions actions-end' },
          h('button', { value: 'cancel', class: 'button', autofocus: true }, 'Cancel'),
          h('button', { value: 'confirm', class: 'button button-danger' }, 'Disable all'))));
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'confirm') onConfirm(managed.checked);
      dialog.returnValue = '';
    });
    return dialog;
  }

  // --- start ------------------------------------------------------------
  try {
    const auth = await call('GET', 'auth');
    if (auth && auth.body.signed_in) await showSources();
    else if (auth) showSignedOut('');
  } catch (error) {
    say(error.status === 404
      ? `There is no service named ${instance} in this daemon.`
      : error.message, 'error');
  }

  return () => {
    alive = false;
    stopPolling();
  };
}

function cssId(key) {
  return key.replace(/[^A-Za-z0-9_-]/g, '-');
}
