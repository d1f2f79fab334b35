// The quick start's own page in headless Chromium, as a newcomer opens it: Ann and Bob side by
// side, Bob runs the agent, both pages show the task done and its output; every request stays on
// the app's origin (no CDN). A screenshot of Ann's page goes to SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const base = `http://127.0.0.1:${process.env.PORT}`;
const elsewhere = [];
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const open = async (user) => {
    const page = await (await browser.createBrowserContext()).newPage();
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== base) {
        elsewhere.push(request.url());
      }
    });
    page.on('pageerror', (error) => console.error(`[user ${user}] ${error.message}`));
    page.on('console', (message) => console.error(`[user ${user} console] ${message.text()}`));
    page.on('response', (response) => response.status() >= 400 && console.error(`[user ${user}] ${response.status()} ${response.url()}`));
    await page.goto(`${base}/?user=${user}`);
    return page;
  };
  const ann = await open(1);
  const bob = await open(2);
  for (const page of [ann, bob]) {
    await page.waitForFunction(() => document.getElementById('viewers').textContent.split(', ').length === 2, { timeout: 15000 });
  }
  await bob.click('#run');
  for (const page of [ann, bob]) {
    await page.waitForFunction(() => document.getElementById('state').textContent === 'done'
      && document.getElementById('output').textContent.includes('PASS  src/flaky.test.js'), { timeout: 15000 });
  }
  const shown = await ann.evaluate(() => ({
    viewers: document.getElementById('viewers').textContent,
    state: document.getElementById('state').textContent,
    output: document.getElementById('output').textContent.trim().split('\n'),
  }));
  assert.deepEqual(elsewhere, [], 'requests that left the app');
  await ann.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'quickstart-page.png') });
  console.log(JSON.stringify({ ok: true, ...shown }));
} finally {
  await browser.close();
}
