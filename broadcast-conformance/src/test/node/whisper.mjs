// Scenario 5: whispers (client events). With Echo on a private and a presence channel a whisper
// reaches the other subscriber and never comes back to the sender; on presence it carries the
// sender's user_id. On a public channel raw pusher-js sends the client event anyway, and the
// server answers pusher:error 4301 without delivering it or closing the connection.
// "Not delivered" is checked with a later marker event triggered over the HTTP API.
import { assert, client, connected, echo, record, run, sdk, step, subscribe, subscribed, unique, until } from './lib.mjs';

const server = sdk();

async function ready(instance, channelName, what) {
  step(`${what} connecting and subscribing to ${channelName}`);
  await connected(instance.connector.pusher, what);
  return subscribed(instance.connector.pusher.channel(channelName), channelName);
}

async function whisperBothWays(kind, room, echoChannel, observed) {
  const alice = echo({ presence: { user_id: 'alice', user_info: { name: 'Alice' } } });
  const bob = echo({ presence: { user_id: 'bob', user_info: { name: 'Bob' } } });
  const channelName = kind === 'private' ? `private-${room}` : `presence-${room}`;
  const aliceChannel = echoChannel(alice, room);
  const bobChannel = echoChannel(bob, room);
  const seen = { alice: [], bob: [], aliceMarkers: [], bobMarkers: [], bobMeta: [] };
  aliceChannel.listenForWhisper('typing', (data) => seen.alice.push(data)).listen('.marker', (d) => seen.aliceMarkers.push(d.n));
  bobChannel.listenForWhisper('typing', (data) => seen.bob.push(data)).listen('.marker', (d) => seen.bobMarkers.push(d.n));
  const aliceRaw = await ready(alice, channelName, 'Alice');
  const bobRaw = await ready(bob, channelName, 'Bob');
  bobRaw.bind('client-typing', (data, metadata) => seen.bobMeta.push(metadata ?? null));

  step(`Alice whispers on the ${kind} channel`);
  aliceChannel.whisper('typing', { who: 'Alice', text: 'é…' });
  await until(() => seen.bob.length === 1, `Bob receiving Alice's whisper on ${channelName}`);
  await server.trigger(channelName, 'marker', { n: 1 });
  await until(() => seen.aliceMarkers.includes(1) && seen.bobMarkers.includes(1), 'the marker on both connections');
  assert.deepEqual(seen.bob, [{ who: 'Alice', text: 'é…' }]);
  assert.deepEqual(seen.alice, [], `the whisper was echoed back to its sender on ${channelName}`);
  if (kind === 'presence') {
    assert.equal(seen.bobMeta[0]?.user_id, 'alice', 'a presence whisper carries the sender\'s user_id');
  }
  observed[kind] = { bobReceived: seen.bob, aliceReceived: seen.alice, metadata: seen.bobMeta };
  alice.disconnect();
  bob.disconnect();
}

run('whisper', async (observed) => {
  await whisperBothWays('private', unique('whisper'), (e, room) => e.private(room), observed);
  await whisperBothWays('presence', unique('whisper'), (e, room) => e.join(room), observed);

  step('public channel: connecting');
  const sender = client();
  const receiver = client();
  await connected(sender, 'the sender');
  await connected(receiver, 'the receiver');
  const name = unique('lobby');
  const senderChannel = await subscribe(sender, name);
  const receiverChannel = await subscribe(receiver, name);
  const delivered = record(receiverChannel, 'client-typing');
  const markers = record(receiverChannel, 'marker');
  const errors = record(sender, 'pusher:error');

  step('public channel: sending a client event with pusher-js channel.trigger');
  const sent = senderChannel.trigger('client-typing', { text: 'public whisper' });
  observed.publicTriggerReturned = sent;
  await until(() => errors.length >= 1, 'pusher:error on the sender after a client event on a public channel');
  assert.equal(errors[0].code, 4301, `pusher:error code: ${JSON.stringify(errors[0])}`);
  await server.trigger(name, 'marker', { n: 1 });
  await until(() => markers.length === 1, 'the marker on the receiver');
  assert.deepEqual(delivered, [], 'a client event on a public channel was delivered');
  assert.equal(sender.connection.state, 'connected', 'the sender stays connected after 4301');
  observed.public = { error: errors[0], delivered, senderState: sender.connection.state };
});
