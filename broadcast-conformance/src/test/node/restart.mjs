// A restart on one host: 200 pusher-js clients on a public channel of server A.
// MODE=reuse-port (default): A runs with --reuse-port; the test starts B on the same port, then
// sends A SIGTERM; A stops accepting and closes everyone with 4200, pusher-js reconnects at once
// and lands on B. At least 95% must be back within 3 s.
// MODE=kill: the test kills A with SIGKILL under load (an event every 50 ms), then starts B on the
// port; every client must be back, and the time is printed.
// Printed: how many were connected and subscribed again within 3 s, the median and the slowest.
import { assert, ask, client, connected, run, sdk, step, subscribed, until } from './lib.mjs';

const COUNT = Number(process.env.CLIENTS || 200);
const MODE = process.env.MODE || 'reuse-port';
const channelName = `restart-${process.env.RUN_ID}`;

run('restart', async (observed) => {
  step(`connecting ${COUNT} clients`);
  const clients = [];
  for (let i = 0; i < COUNT; i++) {
    const pusher = client();
    const channel = pusher.subscribe(channelName);
    const state = { pusher, channel, subscriptions: 0, backAt: 0, codes: [], received: [] };
    channel.bind('pusher:subscription_succeeded', () => {
      state.subscriptions++;
      if (state.subscriptions === 2) {
        state.backAt = Date.now();
      }
    });
    channel.bind('after-restart', (data) => state.received.push(data));
    pusher.connection.bind('error', (e) => e?.data?.code && state.codes.push(e.data.code));
    clients.push(state);
  }
  for (const c of clients) {
    await connected(c.pusher, 'a client', 20000);
    await subscribed(c.channel, channelName, 20000);
  }
  const before = new Set(clients.map((c) => c.pusher.connection.socket_id));

  step('restarting the server');
  let load;
  let stoppedAt;
  if (MODE === 'kill') {
    let n = 0;
    const api = sdk();
    load = setInterval(() => api.trigger(channelName, 'load', { n: n++ }).catch(() => {}), 50);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await ask('kill-a');
    stoppedAt = Date.now();
    await ask('start-b'); // on the port A held
  } else {
    await ask('start-b'); // B listens on the same port beside A
    await ask('sigterm-a');
    stoppedAt = Date.now();
  }
  await until(() => clients.every((c) => c.backAt > 0), 'every client back', 60000);
  clearInterval(load);
  const times = clients.map((c) => c.backAt - stoppedAt).sort((a, b) => a - b);
  observed.clients = COUNT;
  observed.backWithin3s = times.filter((t) => t <= 3000).length;
  observed.medianMs = times[Math.floor(times.length / 2)];
  observed.slowestMs = times[times.length - 1];
  observed.mode = MODE;
  console.log(`${MODE}: ${observed.backWithin3s}/${COUNT} clients back within 3 s after the ${MODE === 'kill' ? 'SIGKILL' : 'SIGTERM'};`
    + ` median ${observed.medianMs} ms, slowest ${observed.slowestMs} ms`);
  assert.ok(clients.every((c) => !before.has(c.pusher.connection.socket_id)), 'every client is on a new connection');
  if (MODE !== 'kill') {
    assert.ok(observed.backWithin3s >= Math.ceil(COUNT * 0.95), `at least 95% within 3 s: ${observed.backWithin3s}`);
  }

  step('a trigger after the restart');
  await sdk().trigger(channelName, 'after-restart', { n: 1 });
  await until(() => clients.every((c) => c.received.length === 1), 'the event on every client', 10000);
});
