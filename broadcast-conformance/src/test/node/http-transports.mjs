// pusher-js's HTTP fallback transports against the server's /pusher endpoints: a client allowed
// only HTTP_TRANSPORT (xhr_streaming or xhr_polling) connects, reports that transport, subscribes,
// and receives 400 KB of numbered events in order, nothing lost or repeated (on xhr_streaming this
// crosses a stream rotation at 256 KiB); a WebSocket client and the HTTP client whisper both ways
// on a private channel.
import { assert, client, connected, run, sdk, step, subscribe, target, unique, until } from './lib.mjs';

const transport = process.env.HTTP_TRANSPORT;

run(`http-${transport}`, async (observed) => {
  const options = { enabledTransports: [transport], httpHost: target.host, httpPort: target.port, httpPath: '/pusher' };
  const http = client(options);
  step(`connecting over ${transport}`);
  observed.socketId = await connected(http, `pusher-js over ${transport}`, 15000);
  observed.transport = http.connection.connection.transport.name;
  assert.equal(observed.transport, transport, 'the transport pusher-js reports');

  const feed = unique('feed');
  const channel = await subscribe(http, feed, 10000);
  const got = [];
  channel.bind('n', (data) => got.push(data.i));
  const server = sdk();
  const padding = 'x'.repeat(8000);
  step('triggering 50 events of 8 KB');
  for (let i = 0; i < 50; i++) {
    await server.trigger(feed, 'n', { i, padding });
  }
  await until(() => got.length >= 50, '50 events over ' + transport, 20000);
  assert.deepEqual(got, [...Array(50).keys()], 'every event once, in order');
  observed.events = got.length;

  step('whispering between a WebSocket client and the HTTP client');
  const room = `private-${unique('room')}`;
  const ws = client({});
  await connected(ws, 'the WebSocket client');
  const wsChannel = await subscribe(ws, room);
  const httpChannel = await subscribe(http, room, 10000);
  const toHttp = [];
  const toWs = [];
  httpChannel.bind('client-hi', (data) => toHttp.push(data.from));
  wsChannel.bind('client-hi', (data) => toWs.push(data.from));
  wsChannel.trigger('client-hi', { from: 'ws' });
  httpChannel.trigger('client-hi', { from: 'http' });
  await until(() => toHttp.length === 1 && toWs.length === 1, 'a whisper each way', 10000);
  assert.deepEqual([toHttp, toWs], [['ws'], ['http']]);
  observed.whispers = { toHttp, toWs };
});
