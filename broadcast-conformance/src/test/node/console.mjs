// The debug console in real headless Chromium: wrong credentials are refused on the page; after
// logging in with the app's key and secret the page lists a connected pusher-js client's channels
// and the presence members, shows an event sent through the HTTP API in its live tail within a
// second, and its "send a test event" form reaches the client. Screenshots in SCREENSHOT_DIR.
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { assert, client, connected, next, run, sdk, step, subscribe, target, unique } from './lib.mjs';

run('console', async (observed) => {
  const dir = process.env.SCREENSHOT_DIR;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 760 });
    step('opening /console');
    await page.goto(`http://${target.host}:${target.port}/console`);
    await page.waitForSelector('#login-view:not([hidden])', { timeout: 5000 });

    step('logging in with a wrong secret');
    await page.type('#login input[name=key]', target.key);
    await page.type('#login input[name=secret]', 'not-the-secret');
    await page.click('#login button');
    await page.waitForFunction(() => document.getElementById('login-error').textContent !== '', { timeout: 5000 });
    observed.refused = await page.$eval('#login-error', (e) => e.textContent);
    assert.equal(observed.refused, 'Wrong key or secret');
    assert.equal(await page.$eval('#app-view', (e) => e.hidden), true, 'nothing of the app is shown');
    await page.screenshot({ path: path.join(dir, 'console-refused.png') });

    step('logging in with the key and secret');
    await page.$eval('#login input[name=secret]', (e) => { e.value = ''; });
    await page.$eval('#login input[name=key]', (e) => { e.value = ''; });
    await page.type('#login input[name=key]', target.key);
    await page.type('#login input[name=secret]', target.secret);
    await page.click('#login button');
    await page.waitForSelector('#app-view:not([hidden])', { timeout: 5000 });
    await page.waitForFunction(() => document.getElementById('tail-state').textContent === 'following', { timeout: 5000 });

    step('a pusher-js client connects and subscribes');
    const orders = unique('orders');
    const room = unique('presence-room');
    const pusher = client({ presence: { user_id: 'ada', user_info: { name: 'Ada' } } });
    await connected(pusher, 'the pusher-js client');
    const channel = await subscribe(pusher, orders);
    await subscribe(pusher, room);
    await page.waitForFunction((names) => {
      const cells = [...document.querySelectorAll('#channels tbody tr')].map((row) => row.cells[0].textContent);
      return names.every((name) => cells.includes(name));
    }, { timeout: 5000 }, [orders, room]);
    observed.connections = Number(await page.$eval('#summary', (e) => e.dataset.connections));
    observed.members = await page.$$eval('#channels tbody tr', (rows, name) => rows.find((r) => r.cells[0].textContent === name)
      .cells[2].textContent, room);
    assert.ok(observed.connections >= 1);
    assert.equal(observed.members, 'ada');

    step('an event sent through the HTTP API appears in the live tail');
    const sent = Date.now();
    await sdk().trigger(orders, 'OrderShipped', { id: 7 });
    await page.waitForFunction((name) => [...document.querySelectorAll('#tail tbody tr')]
      .some((row) => row.cells[3].textContent === 'OrderShipped' && row.cells[2].textContent === name), { timeout: 5000 }, orders);
    observed.tailMs = Date.now() - sent;
    assert.ok(observed.tailMs <= 1000, `shown after ${observed.tailMs} ms`);

    step('the console sends a test event to the client');
    const fromConsole = next(channel, 'console-test', 'the test event from the console', 5000);
    await page.type('#send input[name=channel]', orders);
    await page.type('#send input[name=event]', 'console-test');
    await page.click('#send button');
    observed.received = await fromConsole;
    await page.waitForFunction(() => document.getElementById('send-result').textContent.startsWith('Sent'), { timeout: 5000 });
    observed.sendResult = await page.$eval('#send-result', (e) => e.textContent);
    await page.screenshot({ path: path.join(dir, 'console-live.png') });
    observed.screenshots = ['console-refused.png', 'console-live.png'].map((f) => path.join(dir, f));
  } finally {
    await browser.close();
  }
});
