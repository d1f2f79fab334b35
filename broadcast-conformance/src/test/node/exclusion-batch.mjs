// Scenario 4: socket_id exclusion and batches. sdk.trigger(..., {socket_id}) reaches the other
// connection but not the excluded one; sdk.triggerBatch delivers every event of the batch, and a
// batch item's socket_id excludes that connection only for that item. "Not delivered" is checked
// with a later marker event: frames reach a connection in order.
import { assert, client, connected, record, run, sdk, step, subscribe, unique, until } from './lib.mjs';

run('exclusion-batch', async (observed) => {
  const server = sdk();
  const sender = client();
  const other = client();
  step('connecting');
  const senderId = await connected(sender, 'the sender');
  const otherId = await connected(other, 'the other connection');
  assert.notEqual(senderId, otherId);

  const name = unique('private-chat');
  const second = unique('feed');
  step('subscribing');
  const senderChannel = await subscribe(sender, name);
  const otherChannel = await subscribe(other, name);
  const senderSecond = await subscribe(sender, second);
  const otherSecond = await subscribe(other, second);

  const seen = {
    sender: record(senderChannel, 'message'),
    other: record(otherChannel, 'message'),
    senderMarker: record(senderChannel, 'marker'),
    otherMarker: record(otherChannel, 'marker'),
  };

  step('triggering with socket_id = the sender');
  const response = await server.trigger(name, 'message', { text: 'not for the sender' }, { socket_id: senderId });
  assert.equal(response.status, 200);
  await until(() => seen.other.length === 1, 'the message on the other connection');
  await server.trigger(name, 'marker', { n: 1 });
  await until(() => seen.senderMarker.length === 1 && seen.otherMarker.length === 1, 'marker 1 on both connections');
  assert.deepEqual(seen.other, [{ text: 'not for the sender' }]);
  assert.deepEqual(seen.sender, [], 'the excluded connection received the event');
  observed.excluded = { sender: seen.sender, other: seen.other };

  step('triggerBatch');
  const batchSeen = {
    sender: [],
    other: [],
  };
  for (const [who, channels] of [['sender', [senderChannel, senderSecond]], ['other', [otherChannel, otherSecond]]]) {
    for (const channel of channels) {
      for (const event of ['b1', 'b2', 'b3', 'b4']) {
        channel.bind(event, (data) => batchSeen[who].push(`${channel.name === name ? 'chat' : 'feed'}:${event}:${data.i}`));
      }
    }
  }
  const batch = await server.triggerBatch([
    { channel: name, name: 'b1', data: { i: 1 } },
    { channel: second, name: 'b2', data: { i: 2 } },
    { channel: name, name: 'b3', data: { i: 3 }, socket_id: senderId },
    { channel: second, name: 'b4', data: { i: 4 } },
  ]);
  assert.equal(batch.status, 200);
  await until(() => batchSeen.other.length === 4, 'the 4 batch events on the other connection');
  await server.trigger(name, 'marker', { n: 2 });
  await until(() => seen.senderMarker.length === 2, 'marker 2 on the sender');
  assert.deepEqual(batchSeen.other.slice().sort(), ['chat:b1:1', 'chat:b3:3', 'feed:b2:2', 'feed:b4:4']);
  assert.deepEqual(batchSeen.sender.slice().sort(), ['chat:b1:1', 'feed:b2:2', 'feed:b4:4'],
    'the sender gets every batch event except the one excluding its socket_id');
  observed.batch = batchSeen;
});
