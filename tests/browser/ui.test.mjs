// The web UI in a real headless Chromium against a real scanhookd and the
// fake plex.tv (tests/fakes/programs/fake_plex_tv_server.cpp).
// Env: SCANHOOKD, FAKE_PLEX_TV_SERVER, SCANHOOK_BUILD_DIR (set by CTest).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const buildDir = process.env.SCANHOOK_BUILD_DIR || path.resolve('../../build');
const scanhookd = process.env.SCANHOOKD || path.join(buildDir, 'bin/scanhookd');
const fakeServer = process.env.FAKE_PLEX_TV_SERVER || path.join(buildDir, 'tests/fake_plex_tv_server');
const fakeMediaServers = process.env.FAKE_MEDIA_SERVERS || path.join(buildDir, 'tests/fake_media_servers');
const screenshots = path.join(buildDir, 'screenshots');
const USER = 'admin';
const PASSWORD = 'correct horse battery';
const MUSIC = 'tv.plex.provider.music';
const PODCASTS = 'tv.plex.provider.podcasts';
const NEWS = 'tv.plex.provider.news';

let dir;
let fake; // { process, url, control }
let daemon; // { process, url, output }
let browser; // the persistent context
let page;

// Starts a program and resolves with the first stdout match of `pattern`.
function startProgram(file, args, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${output}`)), 15000);
    const read = (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}:\n${output}`));
    });
  });
}

async function control(method, route) {
  const response = await fetch(`${fake.control}/__fake/${route}`, { method });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

// Polls until `check` returns a truthy value (short steps, bounded).
async function eventually(check, what, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

async function shoot(name, target = page) {
  await target.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'scanhook-browser-'));
  mkdirSync(screenshots, { recursive: true });
  const started = await startProgram(fakeServer, [], /fake plex\.tv on (\S+) control (\S+)/);
  fake = { process: started.child, url: started.match[1], control: started.match[2] };

  const ini = path.join(dir, 'scanhook.ini');
  writeFileSync(ini, [
    '[server]',
    'listen = 127.0.0.1:0',
    `database = ${dir}/scanhook.db`,
    `username = ${USER}`,
    `password = ${PASSWORD}`,
    '[queue]',
    'minimum_age = 10m', // a manual scan stays in the queue for the dashboard
    '[source.sonarr]',
    '[target.log]',
    '[service.plex_optout]',
    `plextv_url = ${fake.url}`,
    'timeout = 5s',
    '',
  ].join('\n'));
  const running = await startProgram(scanhookd, ['--config', ini], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  daemon = { process: running.child, url: running.match[1], output: running.output };

  // A fresh profile in the temp folder for every run.
  browser = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1200, height: 860 },
    reducedMotion: 'reduce', // switches settle at once for screenshots
  });
  page = browser.pages()[0] || await browser.newPage();
  page.setDefaultTimeout(5000);
});

after(async () => {
  await browser?.close();
  daemon?.process.kill('SIGTERM');
  fake?.process.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('log in with the [server] credentials', async () => {
  await page.goto(`${daemon.url}/`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  await shoot('login');

  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  const cookies = await browser.cookies();
  const session = cookies.find((c) => c.name === 'scanhook_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  await page.getByText('Signed in as admin').waitFor();
});

test('connect with Plex: the PIN is shown, then approved at plex.tv', async () => {
  await page.getByRole('link', { name: 'Online Media Sources' }).click();
  await page.getByRole('heading', { name: 'Not connected to plex.tv' }).waitFor();
  await page.getByRole('button', { name: 'Connect with Plex' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status').filter({ hasText: 'Cancelled: nothing was connected.' }).waitFor();
  await page.getByRole('button', { name: 'Connect with Plex' }).click();
  const code = page.locator('.pin-code');
  await code.waitFor();
  assert.match(await code.textContent(), /^[A-Z0-9]{4,}$/i);
  const link = page.getByRole('link', { name: 'Open app.plex.tv' });
  assert.match(await link.getAttribute('href'), /^https:\/\/app\.plex\.tv\/auth#\?clientID=.+&code=/);
  await page.getByText('Waiting for you to approve the PIN at plex.tv…').waitFor();
  await shoot('online-media-sources-pin');

  await control('POST', 'approve');
  await page.getByText('Connected to plex.tv as alice.').waitFor();
  await page.getByRole('switch', { name: 'Music' }).waitFor();
  const switches = page.getByRole('switch');
  assert.equal(await switches.count(), 6);
  for (let i = 0; i < 6; ++i) assert.equal(await switches.nth(i).getAttribute('aria-checked'), 'true');
});

test('a fresh account shows its sources as "Not set yet (Plex default: on)" until one is changed', async () => {
  // plex.tv lists no opt-outs for an account that never changed one (the fake does the same).
  const states = page.locator('li[data-key] .state');
  assert.equal(await states.count(), 6);
  for (let i = 0; i < 6; ++i) assert.equal(await states.nth(i).textContent(), 'Not set yet (Plex default: on)');
  const podcasts = page.getByRole('switch', { name: 'Podcasts' });
  await podcasts.click();
  await eventually(async () => (await control('GET', 'opt-outs'))[PODCASTS] === 'opt_out', 'podcasts opt_out at the fake');
  await page.reload();
  await page.getByRole('switch', { name: 'Music' }).waitFor();
  assert.equal(await page.locator(`li[data-key="${MUSIC}"] .state`).textContent(), 'On');
  assert.equal(await page.locator(`li[data-key="${PODCASTS}"] .state`).textContent(), 'Off');
  await podcasts.click(); // back on, for the next test
  await eventually(async () => (await control('GET', 'opt-outs'))[PODCASTS] === 'opt_in', 'podcasts opt_in at the fake');
  await eventually(async () => !(await podcasts.isDisabled()), 'the switch to settle');
});

test('a switch turns its source off at plex.tv', async () => {
  const podcasts = page.getByRole('switch', { name: 'Podcasts' });
  await podcasts.click();
  assert.equal(await podcasts.getAttribute('aria-checked'), 'false');
  await eventually(async () => (await control('GET', 'opt-outs'))[PODCASTS] === 'opt_out', 'podcasts opt_out at the fake');
  await eventually(async () => !(await podcasts.isDisabled()), 'the switch to settle');
  assert.equal(await podcasts.getAttribute('aria-checked'), 'false');
  const news = page.getByRole('switch', { name: 'News' });
  await news.click();
  await eventually(async () => (await control('GET', 'opt-outs'))[NEWS] === 'opt_out', 'news opt_out at the fake');
  await eventually(async () => !(await news.isDisabled()), 'the switch to settle');
  await shoot('online-media-sources');
});

test('a failure at plex.tv shows an error and the switch rolls back', async () => {
  await control('POST', `fail?key=${MUSIC}&status=500`);
  const music = page.getByRole('switch', { name: 'Music' });
  assert.equal(await music.getAttribute('aria-checked'), 'true');
  await music.click();
  const row = page.locator(`li[data-key="${MUSIC}"]`);
  await row.getByRole('alert').filter({ hasText: 'Could not turn Music off' }).waitFor();
  assert.equal(await music.getAttribute('aria-checked'), 'true');
  assert.equal((await control('GET', 'opt-outs'))[MUSIC], 'opt_in');
  await page.locator('.messages [role="alert"]', { hasText: 'Music was not changed' }).waitFor();
  await shoot('online-media-sources-error');
  await control('POST', 'clear-failures');
});

test('disable all asks first, then reports the count', async () => {
  await page.getByRole('button', { name: 'Disable all' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable all Online Media Sources?' });
  await dialog.waitFor();
  await shoot('online-media-sources-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await control('GET', 'opt-outs'))[MUSIC], 'opt_in');

  await page.getByRole('button', { name: 'Disable all' }).click();
  await dialog.getByRole('button', { name: 'Disable all' }).click();
  await page.getByRole('status').filter({ hasText: 'Disabled 4 sources, 2 already off' }).waitFor();
  const states = await control('GET', 'opt-outs');
  for (const value of Object.values(states)) assert.equal(value, 'opt_out');
  const switches = page.getByRole('switch');
  for (let i = 0; i < 6; ++i) assert.equal(await switches.nth(i).getAttribute('aria-checked'), 'false');
  await shoot('online-media-sources-disabled');
});

test('manual scan: explain, queue, and the dashboard shows the folder', async () => {
  await page.getByRole('link', { name: 'Manual scan' }).click();
  await page.getByLabel('Paths', { exact: true }).fill('/media/tv/Some Show/Season 01');
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.getByRole('article', { name: 'What happens to /media/tv/Some Show/Season 01' }).waitFor();
  await shoot('manual-scan');
  await page.getByRole('button', { name: 'Queue scan' }).click();
  await page.locator('.alert-success').waitFor();

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('cell', { name: '/media/tv/Some Show/Season 01' }).waitFor();
  assert.equal(await page.locator('#queue-depth').textContent(), '1');
  await shoot('dashboard');
});

test('dead letters: an unreadable webhook is listed, inspected and replayed', async () => {
  await page.getByRole('link', { name: 'Dead letters' }).click();
  await page.getByText('No dead letters.').waitFor();
  const webhook = await fetch(`${daemon.url}/triggers/sonarr`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    body: '{"eventType": "Download", "series": ',
  });
  assert.equal(webhook.status, 400);
  await page.reload();
  await page.getByRole('cell', { name: 'sonarr', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Inspect' }).click();
  const detail = page.locator('#dead-letter-detail');
  await detail.getByRole('heading', { name: /^Dead letter \d+ from sonarr$/ }).waitFor();
  assert.equal(await detail.locator('pre.body').textContent(), '{"eventType": "Download", "series": ');
  await shoot('dead-letters');
  await detail.getByRole('button', { name: 'Replay' }).click();
  await page.getByRole('alert').filter({ hasText: /^Replay of \d+ failed: / }).waitFor();
});

test('dead letters: a letter is deleted once confirmed, and is gone', async () => {
  const cell = page.getByRole('cell', { name: 'sonarr', exact: true });
  await cell.waitFor();
  const id = (await page.locator('#dead-letter-detail h2').textContent()).match(/Dead letter (\d+)/)[1];
  // The first time the question is declined: nothing goes.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('button', { name: `Delete dead letter ${id}` }).click();
  await page.waitForTimeout(200);
  assert.equal(await cell.count(), 1);
  page.once('dialog', (dialog) => {
    assert.match(dialog.message(), new RegExp(`^Delete dead letter ${id} from sonarr\\?`));
    dialog.accept();
  });
  await page.getByRole('button', { name: `Delete dead letter ${id}` }).click();
  await page.getByRole('status').filter({ hasText: `Dead letter ${id} deleted.` }).waitFor();
  await page.getByText('No dead letters.').waitFor();
  assert.equal(await page.locator('#dead-letter-detail h2').count(), 0);
  const letters = await fetch(`${daemon.url}/api/deadletters`, {
    headers: { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
  });
  assert.deepEqual((await letters.json()).dead_letters, []);
});

// Found by a new-user trial: a refusal quoting a long path (no spaces to
// wrap at) widened the table until Replay and Delete were off the screen.
test('dead letters: a long refusal keeps the buttons on screen, and Inspect fetches the letter whole', async () => {
  const auth = { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
  // Sonarr's own Download payload (tests/data, with its provenance), its
  // series in a folder whose name is 2,500 bytes: refused at the door.
  const payload = JSON.parse(readFileSync(path.resolve('../data/sonarr/v4/download.json'), 'utf8'));
  const folder = `/tv/${'Severance.'.repeat(250)}`;
  payload.series.path = folder;
  payload.episodeFile.path = `${folder}/Season 02/${payload.episodeFile.relativePath}`;
  const sent = JSON.stringify(payload);
  const webhook = await fetch(`${daemon.url}/triggers/sonarr`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: sent,
  });
  assert.equal(webhook.status, 400);
  const { error, dead_letter: id } = await webhook.json();
  assert.ok(error.length > 250 && /(Severance\.){10}/.test(error), error);

  await page.getByRole('link', { name: 'Dead letters' }).click();
  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    await page.reload();
    // (A stacked cell's name starts with its column's: no exact 'sonarr' cell on a phone.)
    await page.getByRole('button', { name: 'Inspect', exact: true }).waitFor();
    for (const name of ['Inspect', 'Replay', `Delete dead letter ${id}`]) {
      const button = page.getByRole('button', { name, exact: true });
      // The live list may redraw the row meanwhile: asked again until it answers.
      const box = await eventually(() => button.boundingBox().catch(() => null), `${name}'s box`);
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width,
        `${name} at x ${box.x}..${box.x + box.width} in a ${viewport.width}px viewport`);
    }
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= viewport.width, `the page is ${pageWidth}px wide`);
    // The listing shows the error's start; Inspect shows it whole.
    const cut = await page.locator('td .error-text').textContent();
    assert.ok(cut.endsWith('…') && error.startsWith(cut.slice(0, -1)), cut);
    await shoot(`dead-letters-long-error-${viewport.width}`);
  }

  const fetched = page.waitForResponse((response) => response.url().endsWith(`/api/deadletters/${id}`));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  assert.equal((await fetched).status(), 200);
  const detail = page.locator('#dead-letter-detail');
  await detail.getByRole('heading', { name: `Dead letter ${id} from sonarr` }).waitFor();
  assert.equal(await detail.locator('.error-text').textContent(), error);
  assert.deepEqual(JSON.parse(await detail.locator('pre.body').textContent()), payload);
  assert.match(await detail.getByRole('heading', { name: /^Body/ }).textContent(), new RegExp(`^Body \\(${(Buffer.byteLength(sent) / 1024).toFixed(1)} KiB\\)$`));

  await page.setViewportSize({ width: 1200, height: 860 });
  const deleted = await fetch(`${daemon.url}/api/deadletters/${id}`, { method: 'DELETE', headers: auth });
  assert.equal(deleted.status, 200);
});

test('"Sign out of plex.tv" forgets the token here and the page offers to connect again', async () => {
  await page.getByRole('link', { name: 'Online Media Sources' }).click();
  await page.getByRole('switch', { name: 'Music' }).waitFor();
  await page.getByRole('button', { name: 'Sign out of plex.tv' }).click();
  await page.getByRole('heading', { name: 'Not connected to plex.tv' }).waitFor();
  await page.getByText(/^Signed out of plex\.tv\. The device stays listed under Authorized Devices/).waitFor();
  await page.reload(); // the daemon, not the page, forgot the token
  await page.getByRole('button', { name: 'Connect with Plex' }).waitFor();
  assert.equal(await page.getByRole('switch').count(), 0);

  await page.getByRole('button', { name: 'Connect with Plex' }).click();
  await page.locator('.pin-code').waitFor();
  await control('POST', 'approve');
  await page.getByText('Connected to plex.tv as alice.').waitFor();
});

test('a token revoked at plex.tv returns the page to "Connect with Plex" with the reason', async () => {
  await page.getByRole('link', { name: 'Online Media Sources' }).click();
  const music = page.getByRole('switch', { name: 'Music' });
  await music.waitFor();
  await control('POST', 'revoke');
  await music.click();
  await page.getByRole('heading', { name: 'Not connected to plex.tv' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'the Plex token was revoked or has expired' }).waitFor();
  await page.getByRole('button', { name: 'Connect with Plex' }).waitFor();
});

// A daemon of its own (last: logging in to it replaces the session cookie,
// which is per host, not per port): a folder rejected under one rewrite is
// offered for a retry once the rewrite changed, and the Retry button delivers it.
test('history: a folder rejected under an older configuration is retried from the dashboard', async () => {
  const retryDir = path.join(dir, 'retry');
  mkdirSync(retryDir);
  const ini = path.join(retryDir, 'scanhook.ini');
  const auth = { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
  const folder = '/media/tv/Retry Show/Season 01';
  const recorded = path.join(retryDir, 'recorded.txt');
  // The test plugin `recorder` rejects a folder outside its library, as a media server does.
  const start = async (rewrite) => {
    writeFileSync(ini, ['[server]', 'listen = 127.0.0.1:0', `database = ${retryDir}/scanhook.db`,
      `plugin_dir = ${path.join(buildDir, 'test_plugins')}`,
      `username = ${USER}`, `password = ${PASSWORD}`, '[queue]', 'minimum_age = 0s',
      'idle_interval = 20ms', '[target.recorder]', `record = ${recorded}`, 'library = /tv',
      ...rewrite, ''].join('\n'));
    const running = await startProgram(scanhookd, ['--config', ini], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    return { process: running.child, url: running.match[1] };
  };
  const history = async (url) => (await (await fetch(`${url}/api/history`, { headers: auth })).json()).history;

  // Without a rewrite, /media/tv is in no library of the target: rejected.
  const first = await start([]);
  const scan = await fetch(`${first.url}/api/scan`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ paths: [folder] }),
  });
  assert.equal(scan.status, 200);
  await eventually(async () => (await history(first.url)).find((e) => e.outcome === 'rejected'), 'the rejection');
  const stopped = new Promise((resolve) => first.process.once('exit', resolve));
  first.process.kill('SIGTERM');
  await stopped;

  const fixed = await start(['rewrite = /media/tv => /tv']);
  const retryPage = await browser.newPage();
  try {
    await retryPage.goto(`${fixed.url}/`);
    await retryPage.getByLabel('Username').fill(USER);
    await retryPage.getByLabel('Password').fill(PASSWORD);
    await retryPage.getByRole('button', { name: 'Log in' }).click();
    await retryPage.getByText('rejected under an older configuration — retry?').waitFor();
    await retryPage.screenshot({ path: path.join(screenshots, 'history-retry.png'), fullPage: true });
    await retryPage.getByRole('button', { name: `Retry ${folder} on recorder` }).click();
    await retryPage.getByRole('status').filter({ hasText: `${folder} is queued again for recorder.` }).waitFor();
    const entries = await eventually(async () => {
      const all = await history(fixed.url);
      return all.some((e) => e.outcome === 'ok') && all;
    }, 'the delivery after the retry');
    assert.equal(entries.find((e) => e.outcome === 'ok').target_path, '/tv/Retry Show/Season 01');
    assert.ok(entries.find((e) => e.outcome === 'rejected').retried_at > 0);
    assert.equal(readFileSync(recorded, 'utf8'), '/tv/Retry Show/Season 01\n');
    await retryPage.getByText('retried', { exact: true }).waitFor();
  } finally {
    await retryPage.close();
    fixed.process.kill('SIGTERM');
  }
});

// ---- The live UI, its defects fixed, and the targets view -----------------
// A daemon of its own without credentials, reached as "localhost" so that its
// session cookie does not replace the 127.0.0.1 one: the fake Plex and
// Jellyfin as targets, the log target, "down" (nothing listens at its url, and
// its include takes nothing: it is never tried), "held" (unreachable: what it
// takes stays queued), and Online Media Sources on a fresh fake plex.tv.
const LONG_FOLDER = '/held/Extraordinarily Longwinded Documentary Collection/Season 01';
const LONG_NAME_FOLDER = '/held/Supercalifragilisticexpialidocious.Documentary/Season 01';
let media; // { process, plex, jellyfin }
let fresh; // a second fake plex.tv: a fresh account
let ui; // { process, url }

async function uiPage(viewport = { width: 1200, height: 860 }) {
  const opened = await browser.newPage();
  opened.setDefaultTimeout(5000);
  await opened.setViewportSize(viewport);
  return opened;
}

async function scanOnUi(paths) {
  const response = await fetch(`${ui.url}/api/scan`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ paths }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function uiHistory(query = '') {
  return (await (await fetch(`${ui.url}/api/history${query}`)).json()).history;
}

test('live UI: start a daemon with media servers, an unreachable target and a fresh plex.tv', async () => {
  const servers = await startProgram(fakeMediaServers, [], /fake plex on (\S+) jellyfin (\S+)/);
  media = { process: servers.child, plex: servers.match[1], jellyfin: servers.match[2] };
  const started = await startProgram(fakeServer, [], /fake plex\.tv on (\S+) control (\S+)/);
  fresh = { process: started.child, url: started.match[1], control: started.match[2] };
  const uiDir = path.join(dir, 'live');
  mkdirSync(uiDir);
  const ini = path.join(uiDir, 'scanhook.ini');
  writeFileSync(ini, ['[server]', 'listen = 127.0.0.1:0', `database = ${uiDir}/scanhook.db`,
    '[queue]', 'minimum_age = 0s', 'idle_interval = 50ms',
    '[target.plex]', `url = ${media.plex}`, 'token = browser-plex-token',
    '[target.jellyfin]', `url = ${media.jellyfin}`, 'token = browser-jellyfin-key', 'include = ^/media/',
    '[target.log]',
    '[target.down]', 'plugin = plex', 'url = http://127.0.0.1:9', 'token = unused', 'include = ^/never/',
    '[target.held]', 'plugin = plex', 'url = http://127.0.0.1:9', 'token = unused', 'include = ^/held/',
    '[service.plex_optout]', `plextv_url = ${fresh.url}`, 'timeout = 5s', ''].join('\n'));
  const running = await startProgram(scanhookd, ['--config', ini], /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  ui = { process: running.child, url: `http://localhost:${running.match[1]}` };
});

test('an unreachable target shows "unknown", not a green "ok", until it is tried', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/`);
    const row = live.getByRole('row').filter({ has: live.getByRole('link', { name: 'down', exact: true }) });
    await row.waitFor();
    assert.equal(await row.locator('.badge').textContent(), 'unknown');
    assert.equal(await row.locator('.badge-ok').count(), 0);
    await row.getByText('not tried since start-up').waitFor();
    await shoot('dashboard-unknown-target', live);
  } finally {
    await live.close();
  }
});

test('the dashboard follows the daemon live: no polling, a new scan shows up by itself', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/`);
    await live.getByText(/^Live · updated/).waitFor();
    // Longer than the old 3 s refresh: the page asks the daemon for nothing while nothing happens.
    const asked = [];
    live.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) asked.push(request.url());
    });
    await live.waitForTimeout(3500);
    assert.deepEqual(asked, []);
    await scanOnUi(['/tv/Live Show/Season 01']);
    // Delivered to Plex at once (minimum_age 0s): the row arrives through the event stream.
    await live.getByRole('cell', { name: '/tv/Live Show/Season 01' }).first().waitFor();
    assert.ok(asked.some((url) => url.includes('/api/history')), 'the history was reloaded after the event');
    assert.ok(!asked.some((url) => url.includes('/health')), 'only the parts that changed are reloaded');
  } finally {
    await live.close();
  }
});

test('a rejection shows its reason on the page, not only on hover', async () => {
  await scanOnUi(['/music/Some Album']);
  await eventually(async () => (await uiHistory('?outcome=rejected')).length === 1, 'the rejection');
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/`);
    const reason = live.locator('.reason', { hasText: '/music/Some Album is in no Plex library' }).first();
    await reason.waitFor();
    assert.ok(await reason.isVisible());
    const row = live.getByRole('row').filter({ has: reason });
    assert.equal(await row.locator('.badge').first().textContent(), 'rejected');
  } finally {
    await live.close();
  }
});

test('after a rejection, a clean batch shows the target\'s last error as past: muted, with its time', async () => {
  const plexState = async () => (await (await fetch(`${ui.url}/api/targets`)).json()).targets.find((t) => t.name === 'plex');
  await eventually(async () => (await plexState()).last_error.includes('is in no Plex library'), 'the rejection as plex\'s last error');
  await scanOnUi(['/tv/Recovered Show/Season 01']);
  await eventually(async () => (await plexState()).last_error_past, 'a clean batch on plex');
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/`);
    const row = live.getByRole('row').filter({ has: live.getByRole('link', { name: 'plex', exact: true }) });
    await row.getByText(/^recovered; earlier \(.*\): .*is in no Plex library/).waitFor();
    assert.equal(await row.locator('.error-text').count(), 0);
  } finally {
    await live.close();
  }
});

// Every word of `selector`'s text on one line: a break falls only between words or after "/".
async function wordsBrokenMidWord(locator) {
  return locator.evaluate((node) => {
    const text = node.textContent;
    const broken = [];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let leaf = walker.nextNode(); leaf; leaf = walker.nextNode()) {
      for (const match of leaf.data.matchAll(/[^\s/]+/g)) {
        const range = document.createRange();
        range.setStart(leaf, match.index);
        range.setEnd(leaf, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
    return { text, broken };
  });
}

test('a long path in the narrow queue column wraps between folders, never mid-word', async () => {
  await scanOnUi([LONG_FOLDER, LONG_NAME_FOLDER]);
  // A tablet's width: the queue's five columns share about 650 px.
  const live = await uiPage({ width: 700, height: 800 });
  try {
    await live.goto(`${ui.url}/`);
    const folders = '#queue-title ~ .table-wrap td[data-label="Folder"] .path';
    const cell = live.locator(folders, { hasText: 'Longwinded' });
    await cell.waitFor();
    const { text, broken } = await wordsBrokenMidWord(cell);
    assert.equal(text, LONG_FOLDER);
    // A name longer than the column would be at its narrowest is not cut either: the column widens.
    const long = await wordsBrokenMidWord(live.locator(folders, { hasText: 'Supercalifragilistic' }));
    assert.equal(long.text, LONG_NAME_FOLDER);
    assert.deepEqual(long.broken, []);
    const box = await cell.boundingBox();
    assert.ok(box.height > 30, `the path wraps in its column (height ${box.height})`);
    assert.deepEqual(broken, []);
    await shoot('dashboard-long-path', live);
  } finally {
    await live.close();
  }
});

test('on a phone (375 px) the queue fits the screen', async () => {
  const phone = await uiPage({ width: 375, height: 740 });
  try {
    await phone.goto(`${ui.url}/`);
    const queued = '[aria-labelledby="queue-title"] td[data-label="Folder"] .path';
    await phone.locator(queued, { hasText: 'Longwinded' }).waitFor();
    const overflow = await phone.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      wraps: [...document.querySelectorAll('.table-wrap')].map((w) => w.scrollWidth - w.clientWidth),
      queue: document.querySelector('[aria-labelledby="queue-title"]').getBoundingClientRect().right,
    }));
    assert.ok(overflow.page <= 375, `the page is ${overflow.page} px wide`);
    assert.ok(overflow.queue <= 375, `the queue card ends at ${overflow.queue} px`);
    for (const extra of overflow.wraps) assert.ok(extra <= 0, `a table scrolls sideways by ${extra} px`);
    const { broken } = await wordsBrokenMidWord(phone.locator(queued, { hasText: 'Longwinded' }));
    assert.deepEqual(broken, []);
    await shoot('dashboard-phone', phone);
  } finally {
    await phone.close();
  }
});

test('manual scan: the card agrees with a target that would reject the path', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/#/scan`);
    await live.getByLabel('Paths', { exact: true }).fill('/music/Another Album');
    await live.getByRole('button', { name: 'Explain' }).click();
    const card = live.getByRole('article', { name: 'What happens to /music/Another Album' });
    await card.waitFor();
    const headline = card.locator('h3 .badge');
    // The log target scans it, Plex would reject it: not a plain green "would be queued".
    assert.equal(await headline.textContent(), 'would be queued; plex: rejected');
    assert.equal(await headline.getAttribute('class'), 'badge badge-retrying');
    assert.equal(await card.locator('.plan-target', { hasText: 'plex' }).first().locator('.badge').textContent(), 'rejected');
    await shoot('manual-scan-rejected', live);
  } finally {
    await live.close();
  }
});

test('manual scan: explain results go once the paths are queued', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/#/scan`);
    await live.getByLabel('Paths', { exact: true }).fill('/tv/Explained Show/Season 01');
    await live.getByRole('button', { name: 'Explain' }).click();
    await live.getByRole('article', { name: 'What happens to /tv/Explained Show/Season 01' }).waitFor();
    await live.getByRole('button', { name: 'Queue scan' }).click();
    await live.locator('.alert-success').waitFor();
    assert.equal(await live.getByRole('article').count(), 0);
  } finally {
    await live.close();
  }
});

test('manual scan: a refused batch lists every refused path and says nothing was queued', async () => {
  const live = await uiPage();
  try {
    const before = (await uiHistory()).length;
    await live.goto(`${ui.url}/#/scan`);
    await live.getByLabel('Paths', { exact: true }).fill('tv/Relative Show\n/tv/Good Show/Season 01\n/tv/../etc');
    await live.getByRole('button', { name: 'Queue scan' }).click();
    const alert = live.getByRole('alert').filter({ hasText: 'Nothing was queued' });
    await alert.waitFor();
    assert.match(await alert.locator('.alert-title').textContent(), /^Nothing was queued: 2 of 3 paths were refused\./);
    const items = await alert.locator('li').allTextContents();
    assert.equal(items.length, 2);
    assert.match(items[0], /^tv\/Relative Show: /);
    assert.match(items[1], /^\/tv\/\.\.\/etc: /);
    const queue = await (await fetch(`${ui.url}/api/queue`)).json();
    assert.ok(!queue.folders.some((f) => f.path === '/tv/Good Show/Season 01'));
    assert.equal((await uiHistory()).length, before);
    await shoot('manual-scan-refused', live);
  } finally {
    await live.close();
  }
});

test('history page: search by path and filter by outcome and target', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/#/history`);
    await live.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await live.locator('#history-count', { hasText: 'entries' }).waitFor();
    const outcomes = () => live.locator('#history-results td[data-label="Outcome"] .badge').allTextContents();
    assert.ok((await outcomes()).includes('ok'));
    await live.getByLabel('Outcome').selectOption('rejected');
    await live.getByRole('button', { name: 'Search' }).click();
    const rejected = await eventually(async () => {
      const shown = await outcomes();
      return shown.length >= 2 && shown.every((o) => o === 'rejected') && shown;
    }, 'only rejections listed');
    assert.ok(rejected.length >= 2);
    await live.getByLabel('Path').fill('some album');
    await live.getByLabel('Target').selectOption('plex');
    await live.getByRole('button', { name: 'Search' }).click();
    await live.locator('#history-count', { hasText: '1 entry' }).waitFor();
    await live.locator('#history-results .reason', { hasText: '/music/Some Album is in no Plex library' }).waitFor();
    await shoot('history', live);
    await live.getByRole('button', { name: 'Clear' }).click();
    await live.locator('#history-count', { hasText: /^\d+ entries/ }).waitFor();
    // A search for nothing says so.
    await live.getByLabel('Path').fill('no such folder anywhere');
    await live.getByRole('button', { name: 'Search' }).click();
    await live.getByText('No history entry matches.').waitFor();
  } finally {
    await live.close();
  }
});

test('targets view: each server\'s version, state and libraries; "version unknown" for a plugin that cannot say', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/#/targets`);
    const card = (name) => live.getByRole('region', { name: new RegExp(`^${name} `) });
    await card('plex').locator('.server-version', { hasText: 'Plex Media Server 1.41.3.9314-a0bfb8370' }).waitFor();
    const plexLibraries = card('plex').getByRole('table', { name: 'Libraries of plex' });
    const rows = await plexLibraries.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.deepEqual(rows, [['TV Shows', '2', '/tv'], ['Films', '1', '/films']]);
    await card('jellyfin').locator('.server-version', { hasText: 'Jellyfin 10.10.7' }).waitFor();
    await card('jellyfin').getByRole('cell', { name: '/media/tv2' }).waitFor();
    await card('log').locator('.server-version', { hasText: /^version unknown \(the log plugin/ }).waitFor();
    await card('down').getByText(/^unavailable: /).waitFor();
    assert.equal(await card('plex').getByText('reachable, credentials accepted').count(), 1);
    // Plex rejected folders in no library: answers about folders, not a failing target.
    assert.equal(await card('plex').locator('h2 .badge').textContent(), 'ok');
    await card('down').locator('.server-version', { hasText: 'Plex Media Server (not reached: version unknown)' }).waitFor();
    await shoot('targets', live);
  } finally {
    await live.close();
  }
});

test('Online Media Sources: the "states unknown" note goes once Disable all set every source', async () => {
  const live = await uiPage();
  try {
    await live.goto(`${ui.url}/#/sources/plex_optout`);
    await live.getByRole('button', { name: 'Connect with Plex' }).click();
    await live.locator('.pin-code').waitFor();
    const response = await fetch(`${fresh.control}/__fake/approve`, { method: 'POST' });
    assert.equal(response.status, 200);
    const note = live.locator('#sources-note');
    await note.waitFor();
    assert.match(await note.textContent(), /their states are unknown/);
    await live.getByRole('button', { name: 'Disable all' }).click();
    await live.getByRole('dialog').getByRole('button', { name: 'Disable all' }).click();
    await live.getByRole('status').filter({ hasText: /^Disabled \d+ sources/ }).waitFor();
    assert.equal(await note.count(), 0);
    await live.reload();
    await live.getByRole('switch', { name: 'Music' }).waitFor();
    assert.equal(await live.locator('#sources-note').count(), 0);
  } finally {
    await live.close();
    ui?.process.kill('SIGTERM');
    media?.process.kill('SIGTERM');
    fresh?.process.kill('SIGTERM');
  }
});
