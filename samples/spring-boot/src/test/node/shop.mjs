// The shop's browsers, run by Node against the running application (EchoShopTest starts both):
// laravel-echo 2.5 and pusher-js 8.6 as a page would use them, signing in with HTTP Basic.
//   1. an anonymous page on the public `shipments` channel;
//   2. alice (two tabs) and bob on private-orders.1 through /broadcasting/auth, and on the presence
//      channel orders.1.viewers (here/joining);
//   3. mallory is refused private-orders.1 with 403 in Echo's .error();
//   4. alice's first tab ships order 1 with its X-Socket-ID: everyone else gets order.shipped, the
//      sender does not (a second shipment without the header reaches it, so its silence is real);
//   5. prints {"ready":...} and waits for the server to go away, recording each tab's close code.
// Environment: TARGET_PORT. Prints one JSON line per phase; exits 1 on a failed check.
import assert from 'node:assert/strict';
import PusherJs from 'pusher-js';
import Echo from 'laravel-echo';

const port = Number(process.env.TARGET_PORT);
const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + Number(process.env.SCENARIO_TIMEOUT_MS ?? 30000);
let step = 'starting';

function basic(user) {
  return user ? { Authorization: 'Basic ' + Buffer.from(`${user}:${user}-password`).toString('base64') } : {};
}

function echoAs(user) {
  // tag::echo[]
  return new Echo({
    broadcaster: 'pusher',
    Pusher: PusherJs,
    key: 'shop-key',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    authEndpoint: `${base}/broadcasting/auth`,
    auth: { headers: basic(user) },
  });
  // end::echo[]
}

async function until(check, what) {
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ship(user, carrier, socketId) {
  const headers = { ...basic(user), ...(socketId ? { 'X-Socket-ID': socketId } : {}) };
  const response = await fetch(`${base}/orders/1/ship?carrier=${carrier}`, { method: 'POST', headers });
  assert.equal(response.status, 202, `POST /orders/1/ship as ${user}`);
}

const closeCodes = {};

function recordCloses(name, echo) {
  const pusher = echo.connector.pusher;
  pusher.connection.bind('connected', () => {
    pusher.connection.connection.transport.bind('closed', (event) => {
      closeCodes[name] ??= event?.code ?? null;
    });
  });
}

const timer = setTimeout(() => {
  console.log(JSON.stringify({ failed: `timeout during: ${step}`, closeCodes }));
  process.exit(1);
}, deadline - Date.now() + 1000);

try {
  const tabs = { anonymous: echoAs(null), alice1: echoAs('alice'), alice2: echoAs('alice'), bob: echoAs('bob'), mallory: echoAs('mallory') };
  for (const [name, echo] of Object.entries(tabs)) {
    recordCloses(name, echo);
  }
  const shipped = { anonymous: [], alice1: [], alice2: [], bob: [] };

  step = 'public and private subscriptions';
  tabs.anonymous.channel('shipments').listen('.order.shipped', (e) => shipped.anonymous.push(e.carrier));
  const subscribed = new Set();
  for (const name of ['alice1', 'alice2', 'bob']) {
    tabs[name].private('orders.1')
      .subscribed(() => subscribed.add(name))
      .listen('.order.shipped', (e) => shipped[name].push(e.carrier));
  }
  await until(() => subscribed.size === 3, 'private-orders.1 for alice1, alice2 and bob');

  step = 'presence';
  const here = {};
  const joining = [];
  tabs.alice1.join('orders.1.viewers').here((members) => { here.alice = members; }).joining((m) => joining.push(m));
  await until(() => here.alice, 'here() for alice');
  tabs.bob.join('orders.1.viewers').here((members) => { here.bob = members; });
  await until(() => here.bob && joining.length === 1, 'here() for bob and joining(bob) for alice');
  assert.deepEqual(here.alice, [{ name: 'alice' }]);
  assert.deepEqual(here.bob.map((m) => m.name).sort(), ['alice', 'bob']);
  assert.deepEqual(joining, [{ name: 'bob' }]);

  step = 'refusal';
  const refusals = [];
  tabs.mallory.private('orders.1').error((e) => refusals.push(e));
  await until(() => refusals.length === 1, "Echo's .error() for mallory on private-orders.1");
  assert.equal(refusals[0].type, 'AuthError', JSON.stringify(refusals[0]));
  assert.equal(refusals[0].status, 403, JSON.stringify(refusals[0]));

  step = 'ship with X-Socket-ID';
  await ship('alice', 'DHL', tabs.alice1.socketId());
  await until(() => shipped.alice2.length === 1 && shipped.bob.length === 1 && shipped.anonymous.length === 1,
    'order.shipped on alice2, bob and the public page');
  await ship('alice', 'UPS', null);
  await until(() => shipped.alice1.length === 1 && shipped.alice2.length === 2 && shipped.bob.length === 2
    && shipped.anonymous.length === 2, 'the second shipment everywhere');
  assert.deepEqual(shipped.alice1, ['UPS'], 'the sending tab is left out of its own shipment');
  assert.deepEqual(shipped.alice2, ['DHL', 'UPS']);
  assert.deepEqual(shipped.anonymous, ['DHL', 'UPS']);

  const states = Object.fromEntries(Object.entries(tabs).map(([n, e]) => [n, e.connector.pusher.connection.state]));
  console.log(JSON.stringify({ ready: true, shipped, here, joining, refusal: { type: refusals[0].type, status: refusals[0].status }, states }));

  step = 'waiting for the server to close every tab';
  await until(() => Object.keys(tabs).every((name) => name in closeCodes), 'a close on every tab');
  console.log(JSON.stringify({ closeCodes }));
  clearTimeout(timer);
  for (const echo of Object.values(tabs)) {
    echo.disconnect();
  }
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ failed: `${step}: ${e.message}`, closeCodes }));
  process.exit(1);
}
