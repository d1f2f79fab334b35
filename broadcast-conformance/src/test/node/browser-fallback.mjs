// laravel-echo in real headless Chromium on a page that cannot open WebSockets (the page removes
// window.WebSocket before pusher-js loads): with the documented options (httpHost, httpPort,
// httpPath) Echo falls back by itself to pusher-js's HTTP transports and the page shows the
// events the server SDK triggers. A screenshot of the page is saved in SCREENSHOT_DIR.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { assert, run, sdk, sleep, step, target, unique } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = {
  '/pusher.js': path.join(here, 'node_modules/pusher-js/dist/web/pusher.js'),
  '/echo.js': path.join(here, 'node_modules/laravel-echo/dist/echo.iife.js'),
};
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Orders, without WebSockets</title>
<style>body{font:16px/1.4 sans-serif;margin:2em;color:#222}h1{font-size:22px}#transport{font-weight:bold}
li{padding:4px 8px;margin:4px 0;background:#eef6ee;border-left:4px solid #3a3;list-style:none}</style>
<script>window.WebSocket = undefined; window.MozWebSocket = undefined; // as behind a proxy that breaks them</script>
<script src="/pusher.js"></script><script src="/echo.js"></script></head>
<body><h1>Orders (Echo, WebSockets unavailable)</h1>
<p id="state">connecting…</p><p id="transport"></p><ul id="events"></ul>
<script>
  const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  window.Pusher = Pusher;
  const echo = new Echo.default({
    broadcaster: 'pusher', key: cfg.key, cluster: 'mt1', forceTLS: cfg.tls,
    wsHost: cfg.host, wsPort: cfg.port, wssPort: cfg.port,
    httpHost: cfg.host, httpPort: cfg.port, httpsPort: cfg.port, httpPath: '/pusher',
    enabledTransports: ['ws', 'xhr_streaming', 'xhr_polling'],
  });
  const connection = echo.connector.pusher.connection;
  connection.bind('state_change', (s) => {
    document.getElementById('state').textContent = 'state: ' + s.current;
    if (s.current === 'connected') {
      document.getElementById('transport').textContent = 'transport: ' + connection.connection.transport.name;
    }
  });
  echo.channel(cfg.channel).listen('.OrderShipped', (e) => {
    const item = document.createElement('li');
    item.textContent = 'Order #' + e.id + ' shipped to ' + e.city;
    document.getElementById('events').appendChild(item);
  });
</script></body></html>`;

run('browser-fallback', async (observed) => {
  const server = http.createServer((req, res) => {
    const file = files[req.url];
    if (file) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      fs.createReadStream(file).pipe(res);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...trustTargetCertificate()],
  });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 800, height: 420 });
    const channel = unique('orders');
    const cfg = { key: target.key, host: target.host, port: target.port, tls: target.tls, channel };
    step('opening the page in Chromium');
    await tab.goto(`http://127.0.0.1:${server.address().port}/#${encodeURIComponent(JSON.stringify(cfg))}`);
    await tab.waitForFunction(() => document.getElementById('transport').textContent.startsWith('transport: xhr_'), { timeout: 15000 });
    observed.transport = (await tab.$eval('#transport', (e) => e.textContent)).replace('transport: ', '');
    observed.webSocketOnPage = await tab.evaluate(() => typeof window.WebSocket);
    assert.equal(observed.webSocketOnPage, 'undefined');

    step('triggering three events with the server SDK');
    const sdkClient = sdk();
    const cities = ['Lyon', 'Kraków', 'Zürich'];
    for (let tries = 0; ; tries++) {
      const info = await (await sdkClient.get({ path: `/channels/${channel}` })).json();
      if (info.occupied) {
        break;
      }
      assert.ok(tries < 200, `the page never subscribed to ${channel}`);
      await sleep(50);
    }
    for (let i = 0; i < cities.length; i++) {
      await sdkClient.trigger(channel, 'OrderShipped', { id: 100 + i, city: cities[i] });
    }
    await tab.waitForFunction(() => document.querySelectorAll('#events li').length === 3, { timeout: 10000 });
    observed.items = await tab.$$eval('#events li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(observed.items, cities.map((city, i) => `Order #${100 + i} shipped to ${city}`));

    const dir = process.env.SCREENSHOT_DIR || here;
    fs.mkdirSync(dir, { recursive: true });
    observed.screenshot = path.join(dir, `echo-http-fallback-${process.env.TARGET_NAME || 'target'}.png`);
    await tab.screenshot({ path: observed.screenshot });
  } finally {
    await browser.close();
    server.close();
  }
});

/**
 * Chromium's flag that trusts the target's own certificate (its public key, by hash) when the
 * target speaks TLS: this one certificate, not every certificate.
 */
function trustTargetCertificate() {
  if (!target.tls) {
    return [];
  }
  const leaf = new crypto.X509Certificate(fs.readFileSync(process.env.TARGET_CERT));
  const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  return [`--ignore-certificate-errors-spki-list=${crypto.createHash('sha256').update(spki).digest('base64')}`];
}
