// Cluster scenario: broadcasts reach every node once. A pusher-js client on every node subscribes;
// the pusher SDK triggers through one node (trigger, triggerBatch, and with the socket_id of a
// client on another node: toOthers), and a client event (Echo's whisper) sent on one node reaches
// the others. Each client must see each event exactly once: a marker triggered last proves that
// nothing else is still on its way (a connection receives frames in order, and every node relays
// a channel's events in the order Redis saw them). On Jetty nodes the host application's own
// controller (TO_OTHERS_URL, hub.trigger with the X-Socket-ID) broadcasts too.
import { assert, client, connected, echo, nodes, onNode, record, run, sdkOn, step, subscribe, unique, until } from './lib.mjs';

const news = unique('news');
const board = `private-${unique('board')}`;

run('cluster-broadcast', async (observed) => {
  const clients = nodes.map((_, i) => client(onNode(i)));
  step('connecting a client to every node');
  await Promise.all(clients.map((c, i) => connected(c, `the client on node ${i}`)));
  const seen = [];
  for (const [i, c] of clients.entries()) {
    const channel = await subscribe(c, news);
    seen[i] = record(channel, 'story');
  }

  step('trigger through node 0');
  await sdkOn(0).trigger(news, 'story', { n: 1 });
  step('triggerBatch through the last node');
  await sdkOn(nodes.length - 1).triggerBatch([{ channel: news, name: 'story', data: { n: 2 } }]);
  const last = clients[clients.length - 1];
  step('trigger through node 0, excluding the sender on the last node');
  await sdkOn(0).trigger(news, 'story', { n: 3 }, { socket_id: last.connection.socket_id });
  step('marker');
  await sdkOn(1).trigger(news, 'story', { n: 99 });
  await until(() => seen.every((s) => s.some((d) => d.n === 99)), 'the marker on every node');
  for (const [i, s] of seen.entries()) {
    const expected = i === clients.length - 1 ? [1, 2, 99] : [1, 2, 3, 99];
    assert.deepEqual(s.map((d) => d.n), expected, `client on node ${i}: each event once, the sender excluded`);
  }
  observed.received = seen.map((s) => s.map((d) => d.n));

  if (process.env.TO_OTHERS_URL) {
    step('the host application on node 0 broadcasts through its hub, leaving out a sender on the last node');
    const notes = clients.map((c) => record(c.channel(news), 'note'));
    const response = await fetch(process.env.TO_OTHERS_URL, {
      method: 'POST',
      headers: { 'X-Socket-ID': last.connection.socket_id, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: news, event: 'note', text: 'from the app' }),
    });
    assert.equal(response.status, 200);
    await sdkOn(0).trigger(news, 'story', { n: 100 });
    await until(() => seen.every((s) => s.some((d) => d.n === 100)), 'the second marker on every node');
    for (const [i, n] of notes.entries()) {
      assert.deepEqual(n, i === clients.length - 1 ? [] : [{ text: 'from the app' }], `note on node ${i}`);
    }
    observed.notes = notes;
  }

  step('whisper from node 0 to the others');
  const echoes = nodes.map((_, i) => echo(onNode(i)));
  const whispers = [];
  for (const [i, e] of echoes.entries()) {
    await connected(e.connector.pusher, `Echo on node ${i}`);
    whispers[i] = [];
    e.private(board.substring('private-'.length)).listenForWhisper('typing', (d) => whispers[i].push(d));
    await until(() => e.connector.pusher.channel(board)?.subscribed, `Echo on node ${i} subscribed to ${board}`);
  }
  echoes[0].private(board.substring('private-'.length)).whisper('typing', { who: 'ann' });
  await until(() => whispers.slice(1).every((w) => w.length >= 1), 'the whisper on every other node');
  await sdkOn(0).trigger(board, 'marker', {});
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(whispers[0], [], 'not echoed to the sender');
  for (const w of whispers.slice(1)) {
    assert.deepEqual(w, [{ who: 'ann' }], 'each other node once');
  }
  observed.whispers = whispers;
});
