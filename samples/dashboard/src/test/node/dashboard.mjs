// Two users in two headless Chromium browsers on the agent dashboard, driven as people use it:
// drag a card, run an agent, refresh mid-run, lose the Pusher server and get it back, leave,
// sign in as someone who may not look, and block WebSockets. Screenshots go to SCREENSHOT_DIR.
// Started by DashboardBrowserTest, which runs the app (APP_URL) in one of two ways: serving the
// Pusher protocol itself (the default), or sending through a standalone server as a Laravel app
// sends through Reverb; then it hands over the command that starts that server (REALTIME_COMMAND,
// on REALTIME_PORT) and this script stops and starts it. Prints one JSON line: what it observed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const APP = new URL(process.env.APP_URL);
const REALTIME_PORT = Number(process.env.REALTIME_PORT);
// without a command the app serves the Pusher protocol itself (the starter's endpoint, its default)
const SPLIT = Boolean(process.env.REALTIME_COMMAND);
const REALTIME_COMMAND = SPLIT ? JSON.parse(process.env.REALTIME_COMMAND) : null;
const SHOTS = process.env.SCREENSHOT_DIR;
const observed = { steps: [], foreignRequests: [], screenshots: [] };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const step = (name) => { observed.steps.push(`${name} (at ${Date.now() - started} ms)`); process.stderr.write(`-- ${name}\n`); };

let realtime = null;
const browsers = [];

async function startRealtime() {
  const log = fs.openSync(path.join(SHOTS, '..', `realtime-${Date.now()}.log`), 'w');
  realtime = spawn(REALTIME_COMMAND[0], REALTIME_COMMAND.slice(1), { stdio: ['ignore', log, log] });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${REALTIME_PORT}/up`)).ok) {
        return;
      }
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error('the Pusher server did not answer /up within 30 s');
}

async function stopRealtime() {
  const exited = new Promise((resolve) => realtime.once('exit', resolve));
  realtime.kill('SIGTERM');
  await exited;
  realtime = null;
}

/** A browser of its own (own cookies, own process) for one user, with every request checked. */
async function browserFor(user, { blockWebSockets = false } = {}) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  browsers.push(browser);
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 860 });
  page.on('request', (request) => {
    const url = new URL(request.url());
    const type = request.resourceType();
    const fromApp = url.origin === APP.origin;
    const toRealtime = url.hostname === '127.0.0.1' && Number(url.port) === REALTIME_PORT;
    if (['script', 'stylesheet', 'font', 'image'].includes(type) ? !fromApp : !(fromApp || toRealtime)) {
      observed.foreignRequests.push(`${user}: ${type} ${request.url()}`);
    }
  });
  page.on('pageerror', (error) => process.stderr.write(`[${user} page error] ${error.message}\n`));
  if (blockWebSockets) {
    await page.evaluateOnNewDocument(() => { window.WebSocket = undefined; window.MozWebSocket = undefined; });
  }
  await page.goto(new URL('/login', APP).href);
  await page.type('input[name=username]', user);
  await page.type('input[name=password]', 'demo');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page;
}

async function shot(page, name) {
  const file = path.join(SHOTS, `dashboard-${SPLIT ? 'split' : 'embedded'}-${String(observed.screenshots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  observed.screenshots.push(path.basename(file));
}

const waitFor = (page, fn, arg, timeout = 15000) => page.waitForFunction(fn, { timeout, polling: 50 }, arg);
const connected = (page, transport, timeout) => waitFor(page, (t) => {
  const badge = document.getElementById('connection');
  return badge.dataset.state === 'connected' && (!t || badge.dataset.transport === t);
}, transport, timeout);
const columnOf = (page, id) => page.$eval(`#card-${id}`, (card) => card.closest('.column').dataset.column);
const avatars = (page) => page.$$eval('#viewers .avatar', (list) => list.map((a) => a.dataset.name).sort());
const outputNumbers = (page) => page.$$eval('.output div', (rows) => rows.map((r) => Number(r.dataset.n)).sort((a, b) => a - b));
const toasts = (page) => page.$$eval('.toast', (list) => list.map((t) => t.textContent));

/** The lines shown are exactly 1..n, each once. */
async function contiguousOutput(page, who) {
  const numbers = await outputNumbers(page);
  numbers.forEach((n, i) => assert.equal(n, i + 1, `${who}: line ${i + 1} shown as ${n} (duplicates or a gap): ${numbers.join(',')}`));
  return numbers.length;
}

/** The users the Pusher server counts in the board's presence channel (its HTTP API, signed). */
async function presenceUsers() {
  const where = `/apps/dashboard/channels/presence-board.1/users`;
  const query = `auth_key=dashboard-key&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0`;
  const signature = crypto.createHmac('sha256', process.env.APP_SECRET).update(`GET\n${where}\n${query}`).digest('hex');
  const response = await fetch(`http://127.0.0.1:${REALTIME_PORT}${where}?${query}&auth_signature=${signature}`);
  return response.ok ? (await response.json()).users : `HTTP ${response.status}`;
}

/** A signed-in HTTP client of the app's own API, as another tab of `user` would be. */
async function apiSession(user) {
  const login = await fetch(new URL('/login', APP), { redirect: 'manual' });
  let cookie = login.headers.get('set-cookie').split(';')[0];
  const csrf = /name="_csrf" type="hidden" value="([^"]+)"/.exec(await login.text())[1];
  const signedIn = await fetch(new URL('/login', APP), {
    method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password: 'demo', _csrf: csrf }),
  });
  cookie = (signedIn.headers.get('set-cookie') ?? cookie).split(';')[0];
  const me = await (await fetch(new URL('/api/me', APP), { headers: { cookie } })).json();
  return async (method, where, body) => {
    const response = await fetch(new URL(where, APP), {
      method, headers: { cookie, 'content-type': 'application/json', [me.csrf.header]: me.csrf.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${where}: ${response.status} ${await response.text()}`);
    }
    return response.status === 202 ? null : response.json();
  };
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  if (SPLIT) {
    await startRealtime();
  }

  step('ann and bob sign in, each in a browser of their own');
  const ann = await browserFor('ann');
  await connected(ann, 'ws');
  const bob = await browserFor('bob');
  await connected(bob, 'ws');
  await waitFor(ann, () => document.querySelectorAll('#viewers .avatar').length === 2);
  observed.avatarsAfterJoin = await avatars(ann);
  assert.deepEqual(observed.avatarsAfterJoin, ['Ann Lee', 'Bob Stone']);
  assert.deepEqual(await avatars(bob), ['Ann Lee', 'Bob Stone']);
  await shot(ann, 'ann-sees-bob-join');

  step('ann drags a card; it moves in bob\'s browser, and ann\'s tab is not told of its own move');
  await waitFor(ann, () => document.getElementById('card-2') !== null);
  const target = await ann.$('.column[data-column=review]');
  await target.drop(await ann.$('#card-2'));
  await waitFor(ann, () => document.getElementById('card-2').closest('.column').dataset.column === 'review');
  await waitFor(bob, () => document.getElementById('card-2')?.closest('.column').dataset.column === 'review');
  observed.cardMovedInBob = await columnOf(bob, 2);
  await sleep(300);
  observed.annSawOwnMove = await ann.evaluate(() => window.dashboard.seen.includes('task.updated:2'));
  assert.equal(observed.annSawOwnMove, false, 'toOthers left ann\'s own connection out');
  await shot(bob, 'bob-sees-the-card-moved');

  step('ann runs the agent on task 1; its output streams into both browsers');
  await ann.click('#card-1');
  await bob.click('#card-1');
  await waitFor(bob, () => document.getElementById('task-title').textContent.includes('#1'));
  await ann.click('#run');
  for (const page of [ann, bob]) {
    await waitFor(page, () => document.querySelectorAll('#terminal-output div').length >= 20, undefined, 30000);
    await waitFor(page, () => document.getElementById('worktree-percent').textContent === '100%');
  }
  observed.ansiSpans = await ann.$$eval('#terminal-output .ansi-green', (spans) => spans.length);
  assert.ok(observed.ansiSpans > 0, 'ANSI colours rendered as spans');
  observed.linesWhileStreaming = { ann: await contiguousOutput(ann, 'ann'), bob: await contiguousOutput(bob, 'bob') };
  await shot(ann, 'agent-output-streams-ann');
  await shot(bob, 'agent-output-streams-bob');

  step('bob refreshes mid-run: the whole output so far, then it keeps streaming, no line twice');
  await bob.reload();
  await connected(bob, 'ws');
  await waitFor(bob, () => document.querySelectorAll('.output div').length > 0);
  const afterReload = await contiguousOutput(bob, 'bob after reload');
  await waitFor(bob, (n) => document.querySelectorAll('.output div').length > n + 15, afterReload);
  observed.linesAfterRefresh = { atReload: afterReload, later: await contiguousOutput(bob, 'bob streaming after reload') };
  await shot(bob, 'bob-after-refresh');

  const annApi = await apiSession('ann'); // the app's own API, as another tab of ann's
  if (SPLIT) { // the app sends through a standalone server, which this script can stop
    step('the Pusher server stops: both badges go to connecting');
    await stopRealtime();
    for (const page of [ann, bob]) {
      await waitFor(page, () => ['connecting', 'unavailable'].includes(document.getElementById('connection').dataset.state));
    }
    observed.badgeDuringOutage = await ann.$eval('#connection', (b) => b.textContent);
    await shot(ann, 'outage-badge');

    step('during the outage the app changes things through its own API');
    await annApi('POST', '/api/tasks/3/move', { column: 'done' });
    const spec = await annApi('POST', '/api/spec', { text: 'Changed while the Pusher server was down' });
    const linesDuringOutage = (await annApi('GET', '/api/tasks/1/run?after=0')).lines.length;
    await sleep(1500); // the agent goes on printing; those lines reach nobody live
    observed.outageChanges = { task3: 'done', specVersion: spec.version, linesAtOutageStart: linesDuringOutage };

    step('the server is back: badges connected, every change of the outage shown');
    await startRealtime();
    const back = Date.now();
    observed.reconnected = {};
    for (const [who, page] of [['ann', ann], ['bob', bob]]) {
      // pusher-js's own schedule: a failed attempt is retried when its timeout (15 s, doubling) ends
      await connected(page, null, 60000);
      observed.reconnected[who] = { afterMillis: Date.now() - back,
        transport: await page.$eval('#connection', (b) => b.dataset.transport) };
    }
    for (const page of [ann, bob]) {
      await waitFor(page, () => document.getElementById('card-3')?.closest('.column').dataset.column === 'done');
      await waitFor(page, (text) => document.getElementById('spec-text').textContent === text, spec.text);
    }
    const linesNow = (await annApi('GET', '/api/tasks/1/run?after=0')).lines.length;
    for (const [who, page] of [['ann', ann], ['bob', bob]]) {
      await waitFor(page, (n) => document.querySelectorAll('.output div').length >= n, linesNow);
      await contiguousOutput(page, `${who} after the outage`);
    }
    observed.afterOutage = { task3: await columnOf(bob, 3), spec: await bob.$eval('#spec-text', (p) => p.textContent),
      linesShownAtLeast: linesNow };
    await shot(bob, 'back-after-outage');
  }

  step('the run ends: both browsers show each of its lines once');
  let finalRun;
  for (let tries = 0; (finalRun = await annApi('GET', '/api/tasks/1/run?after=0')).status === 'running'; tries++) {
    assert.ok(tries < 1200, 'the agent on task 1 never ended');
    await sleep(100);
  }
  for (const [who, page] of [['ann', ann], ['bob', bob]]) {
    await waitFor(page, (n) => document.querySelectorAll('.output div').length >= n, finalRun.lines.length);
    await contiguousOutput(page, `${who} at the end`);
  }
  observed.finalLines = { run: finalRun.lines.length, ann: await contiguousOutput(ann, 'ann'), bob: await contiguousOutput(bob, 'bob') };
  assert.equal(observed.finalLines.ann, finalRun.lines.length, 'ann shows every line of the run');
  assert.equal(observed.finalLines.bob, finalRun.lines.length, 'bob shows every line of the run');

  step('another run ends while both watch: a toast in both, and a notification for ann, who started it');
  await ann.click('#card-4');
  await bob.click('#card-4');
  await waitFor(bob, () => document.getElementById('task-title').textContent.includes('#4'));
  await ann.click('#run');
  for (const page of [ann, bob]) {
    await waitFor(page, () => [...document.querySelectorAll('.toast')]
      .some((t) => t.textContent === 'Upgrade to Spring Boot 3.5: done, ready for review'), undefined, 120000);
  }
  await waitFor(ann, () => [...document.querySelectorAll('.toast')]
    .some((t) => t.textContent === 'Your agent finished \u201cUpgrade to Spring Boot 3.5\u201d: ready for review'));
  observed.toasts = { ann: await toasts(ann), bob: await toasts(bob) };
  assert.ok(!observed.toasts.bob.some((t) => t.startsWith('Your agent')), 'the notification went to ann only');
  await shot(ann, 'toasts-done-and-notification');

  step('bob leaves: ann\'s avatars follow');
  // pusher-js may have picked an HTTP transport for bob (it tries them when a WebSocket is slow to
  // open); in a servlet container a dropped HTTP stream is noticed at its next heartbeat (25 s)
  observed.bobsTransportWhenLeaving = await bob.$eval('#connection', (b) => b.dataset.transport);
  const left = Date.now();
  await browsers[1].close();
  try {
    await waitFor(ann, () => document.querySelectorAll('#viewers .avatar').length === 1, undefined,
      observed.bobsTransportWhenLeaving.startsWith('xhr') ? 40000 : 20000);
  } catch (e) {
    throw new Error(`bob's leaving (${observed.bobsTransportWhenLeaving}) was not shown: the page shows`
      + ` ${await avatars(ann)}, the server counts ${JSON.stringify(await presenceUsers())} in presence-board.1`);
  }
  observed.leaveSeenAfterMillis = Date.now() - left;
  observed.avatarsAfterLeave = await avatars(ann);
  assert.deepEqual(observed.avatarsAfterLeave, ['Ann Lee']);
  await shot(ann, 'bob-left');

  step('eve, not on the team, sees the refusal');
  const eve = await browserFor('eve');
  await waitFor(eve, () => !document.getElementById('refusal').hidden);
  observed.refusal = await eve.$eval('#refusal', (e) => e.textContent);
  assert.match(observed.refusal, /refused you the board's channel \(HTTP 403\)/);
  await shot(eve, 'eve-refused');

  step('bob again, with WebSockets blocked: the HTTP fallback carries everything');
  const bobHttp = await browserFor('bob', { blockWebSockets: true });
  await connected(bobHttp, null);
  observed.fallbackTransport = await bobHttp.$eval('#connection', (b) => b.dataset.transport);
  assert.match(observed.fallbackTransport, /^xhr_(streaming|polling)$/);
  await waitFor(ann, () => document.querySelectorAll('#viewers .avatar').length === 2);
  await (await ann.$('.column[data-column=doing]')).drop(await ann.$('#card-5'));
  await waitFor(bobHttp, () => document.getElementById('card-5')?.closest('.column').dataset.column === 'doing');
  await bobHttp.click('#card-2');
  await ann.click('#card-2');
  await bobHttp.click('#run');
  await waitFor(ann, () => document.querySelectorAll('#terminal-output div').length >= 10, undefined, 30000);
  await waitFor(bobHttp, () => document.querySelectorAll('#terminal-output div').length >= 10, undefined, 30000);
  observed.fallbackLines = await contiguousOutput(bobHttp, 'bob over the HTTP fallback');
  await shot(bobHttp, 'http-fallback');

  assert.deepEqual(observed.foreignRequests, [], 'every script and stylesheet from the app itself');
  observed.ok = true;
}

try {
  await main();
} catch (error) {
  observed.ok = false;
  observed.error = String(error.stack || error);
  for (const [i, browser] of browsers.entries()) {
    for (const page of await browser.pages().catch(() => [])) {
      await shot(page, `failure-browser-${i + 1}`).catch(() => {});
      observed.failurePages = [...(observed.failurePages ?? []), await page.evaluate(() => ({
        badge: document.getElementById('connection')?.textContent,
        toasts: [...document.querySelectorAll('.toast')].map((t) => t.textContent),
        seen: window.dashboard?.seen.slice(-20),
      })).catch((e) => String(e))];
    }
  }
} finally {
  for (const browser of browsers) {
    await browser.close().catch(() => {});
  }
  if (realtime) {
    await stopRealtime().catch(() => {});
  }
  console.log(JSON.stringify(observed));
}
