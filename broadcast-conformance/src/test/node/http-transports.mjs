// pusher-js's HTTP fallback transports against the server's /pusher endpoints: a client allowed
// only HTTP_TRANSPORT (xhr_streaming or xhr_polling) connects and reports that transport; public,
// private, presence and encrypted channels receive SDK-triggered events; it shares a presence
// channel with a WebSocket client (each sees the other); signs in and gets sendToUser; receives
// 400 KB of numbered events in order, nothing lost or repeated (on xhr_streaming this crosses a
// stream rotation at 256 KiB); whispers both ways with the WebSocket client; a second HTTP client
// whose network freezes (a proxy that stops forwarding and closes nothing) leaves presence by the
// server's session timeout (SESSION_TIMEOUT_MS); and the first one's disconnect is seen at once.
import crypto from 'node:crypto';
import net from 'node:net';
import { assert, client, connected, httpWhere, next, run, sdk, step, subscribe, target, unique, until } from './lib.mjs';

const transport = process.env.HTTP_TRANSPORT;
const sessionTimeoutMs = Number(process.env.SESSION_TIMEOUT_MS ?? 0);

run(`http-${transport}`, async (observed) => {
  const server = sdk({ encryptionMasterKeyBase64: crypto.randomBytes(32).toString('base64') });
  const http = client({
    authSdk: server,
    presence: { user_id: 'h', user_info: { name: 'Http' } },
    enabledTransports: [transport],
    ...httpWhere(),
    userAuthentication: {
      customHandler: ({ socketId }, callback) => callback(null, server.authenticateUser(socketId, { id: '42' })),
    },
  });
  step(`connecting over ${transport}`);
  observed.socketId = await connected(http, `pusher-js over ${transport}`, 15000);
  observed.transport = http.connection.connection.transport.name;
  assert.equal(observed.transport, transport, 'the transport pusher-js reports');

  const names = {
    public: unique('orders'),
    private: unique('private-orders'),
    presence: unique('presence-orders'),
    encrypted: unique('private-encrypted-orders'),
  };
  observed.received = {};
  for (const [type, name] of Object.entries(names)) {
    step(`the ${type} channel over ${transport}`);
    const channel = await subscribe(http, name, 10000);
    const arrived = next(channel, 'OrderShipped', `the event on the ${type} channel`, 10000);
    await server.trigger(name, 'OrderShipped', { type, text: `hello ${type} é✓` });
    observed.received[type] = (await arrived).text;
    assert.equal(observed.received[type], `hello ${type} é✓`);
  }

  step('a WebSocket client joins the presence channel');
  const ws = client({ authSdk: server, presence: { user_id: 'w', user_info: { name: 'Ws' } } });
  await connected(ws, 'the WebSocket client');
  const httpPresence = http.channel(names.presence);
  const joined = next(httpPresence, 'pusher:member_added', 'the WebSocket member on the HTTP client', 10000);
  const wsPresence = await subscribe(ws, names.presence);
  assert.equal((await joined).id, 'w');
  assert.deepEqual(Object.keys(wsPresence.members.members).sort(), ['h', 'w'], 'the WebSocket client sees the HTTP member');
  observed.presence = Object.keys(wsPresence.members.members).sort();

  step('signin and sendToUser over ' + transport);
  http.signin();
  await until(() => http.user.serverToUserChannel && http.user.serverToUserChannel.subscribed, 'the #server-to-user-42 subscription', 10000);
  const note = next(http.user, 'note', 'sendToUser on the HTTP client', 10000);
  await server.sendToUser('42', 'note', { text: 'hi' });
  observed.note = (await note).text;

  const feed = unique('feed');
  const channel = await subscribe(http, feed, 10000);
  const got = [];
  channel.bind('n', (data) => got.push(data.i));
  const padding = 'x'.repeat(8000);
  step('triggering 50 events of 8 KB');
  for (let i = 0; i < 50; i++) {
    await server.trigger(feed, 'n', { i, padding });
  }
  await until(() => got.length >= 50, '50 events over ' + transport, 20000);
  assert.deepEqual(got, [...Array(50).keys()], 'every event once, in order');
  observed.events = got.length;

  step('whispering between the WebSocket client and the HTTP client');
  const wsChannel = ws.channel(names.presence);
  const toHttp = [];
  const toWs = [];
  httpPresence.bind('client-hi', (data) => toHttp.push(data.from));
  wsChannel.bind('client-hi', (data) => toWs.push(data.from));
  wsChannel.trigger('client-hi', { from: 'ws' });
  httpPresence.trigger('client-hi', { from: 'http' });
  await until(() => toHttp.length === 1 && toWs.length === 1, 'a whisper each way', 10000);
  assert.deepEqual([toHttp, toWs], [['ws'], ['http']]);
  observed.whispers = { toHttp, toWs };

  // (not behind several nodes: a pinned session's requests go to its node, around this proxy)
  if (sessionTimeoutMs > 0) {
    step('a second HTTP client vanishes without goodbye (its network frozen): it leaves presence by the session timeout');
    const proxy = await freezableProxy();
    const vanisher = client({
      authSdk: server,
      presence: { user_id: 'v', user_info: { name: 'Vanishing' } },
      enabledTransports: [transport],
      ...httpWhere(proxy.port, '127.0.0.1'),
    });
    await connected(vanisher, `the vanishing client over ${transport}`, 15000);
    const vanisherJoined = next(wsPresence, 'pusher:member_added', 'the vanishing member joining', 10000);
    await subscribe(vanisher, names.presence, 10000);
    assert.equal((await vanisherJoined).id, 'v');
    const vanished = next(wsPresence, 'pusher:member_removed', 'the vanished member leaving', sessionTimeoutMs + 10000);
    const frozenAt = Date.now();
    proxy.freeze();
    observed.vanished = (await vanished).id;
    observed.vanishedAfterMs = Date.now() - frozenAt;
    // its last request (an answer to a heartbeat, or a poll) came at most a heartbeat (half the timeout here) before
    assert.ok(observed.vanishedAfterMs >= sessionTimeoutMs / 2 - 500,
      `left after ${observed.vanishedAfterMs} ms, before the session timeout of ${sessionTimeoutMs} ms`);
    vanisher.disconnect();
    proxy.close();
  }

  step('the HTTP client leaves: the WebSocket client sees it go');
  const left = next(wsPresence, 'pusher:member_removed', 'the HTTP member leaving', 10000);
  http.disconnect();
  observed.left = (await left).id;
});

/**
 * A TCP proxy to the target that can freeze like a cut network: from then on nothing crosses it in
 * either direction and no socket is closed, so the server hears neither a request nor a goodbye.
 */
async function freezableProxy() {
  const pairs = [];
  let frozen = false;
  const proxy = net.createServer((downstream) => {
    downstream.on('error', () => {});
    if (frozen) {
      downstream.pause(); // a black hole: accepted, never forwarded
      pairs.push([downstream]);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => {});
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    pairs.push([downstream, upstream]);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: proxy.address().port,
    freeze() {
      frozen = true;
      for (const [downstream, upstream] of pairs) {
        if (upstream) {
          downstream.unpipe(upstream);
          upstream.unpipe(downstream);
          upstream.pause();
        }
        downstream.pause();
      }
    },
    close() {
      proxy.close();
      for (const pair of pairs) {
        pair.forEach((socket) => socket.destroy());
      }
    },
  };
}
