// The single page: loads the session, builds the navigation (one Online
// Media Sources entry per plex_optout service), and shows the page named by
// the URL's #fragment.
import { ApiError, get, loadSession, request } from './api.js';
import { clear, h, message } from './dom.js';
import { renderDashboard } from './dashboard.js';
import { renderScan } from './scan.js';
import { renderDeadLetters } from './dead_letters.js';
import { renderSources } from './sources.js';
import { renderHistory } from './history.js';
import { renderTargets } from './targets.js';

const main = document.getElementById('main');
let services = [];
let leavePage = null; // stops the current page's timers and live stream

const pages = [
  { pattern: /^\/?$/, title: 'Dashboard', render: renderDashboard },
  { pattern: /^\/history$/, title: 'History', render: renderHistory },
  { pattern: /^\/targets$/, title: 'Targets', render: renderTargets },
  { pattern: /^\/scan$/, title: 'Manual scan', render: renderScan },
  { pattern: /^\/dead-letters$/, title: 'Dead letters', render: renderDeadLetters },
  {
    pattern: /^\/sources\/([A-Za-z0-9_.-]+)$/,
    title: 'Online Media Sources',
    render: (node, match) => renderSources(node, match[1]),
  },
];

async function show() {
  const route = decodeURIComponent(window.location.hash.replace(/^#/, '')) || '/';
  if (leavePage) leavePage();
  leavePage = null;
  clear(main);
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#${route}` || (route === '/' && link.getAttribute('href') === '#/'))
      link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = pages.find((p) => p.pattern.test(route));
  if (!page) {
    document.title = 'Not found · scanhook';
    main.append(h('h1', {}, 'Not found'), message(`There is no page at ${route}.`, 'error'));
    return;
  }
  document.title = `${page.title} · scanhook`;
  try {
    leavePage = (await page.render(main, route.match(page.pattern))) || null;
  } catch (error) {
    main.append(message(error instanceof ApiError ? error.message : String(error), 'error'));
  }
}

function buildNav() {
  const nav = document.getElementById('nav');
  for (const service of services.filter((s) => s.plugin === 'plex_optout')) {
    const label = services.filter((s) => s.plugin === 'plex_optout').length > 1
      ? `Online Media Sources (${service.instance})`
      : 'Online Media Sources';
    nav.append(h('li', {}, h('a', { href: `#/sources/${service.instance}` }, label)));
  }
}

function buildAccount(session) {
  const account = document.getElementById('account');
  clear(account);
  if (session.user) account.append(h('span', { class: 'muted small' }, `Signed in as ${session.user}`));
  if (session.login_required) {
    account.append(
      h('button', {
        type: 'button',
        class: 'button button-quiet',
        onclick: async () => {
          try {
            await request('POST', '/logout');
          } finally {
            window.location.assign('/login');
          }
        },
      }, 'Log out'),
    );
  }
}

async function start() {
  try {
    const session = await loadSession();
    buildAccount(session);
    services = (await get('/api/services')).services || [];
    buildNav();
    get('/health').then((health) => {
      document.getElementById('version').textContent = `scanhook ${health.version}`;
    }, () => {});
  } catch (error) {
    clear(main).append(message(`Cannot start the UI: ${error.message}`, 'error'));
    return;
  }
  window.addEventListener('hashchange', show);
  await show();
}

start();
