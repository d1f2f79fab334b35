// Scenario A1 (Jetty only): pusher-js's own HTTP authorizer (its ajax transport, which under Node
// is the XMLHttpRequest emulation bundled in pusher-js) against the host application's
// /broadcasting/auth and /broadcasting/user-auth. A private, a presence and an encrypted channel
// subscribe and receive what the SDK triggers (the encrypted one encrypted with the master key
// the endpoint derives shared_secret from); signin makes sendToUser reach pusher.user.
import { assert, client, connected, hostApp, httpAuth, next, record, run, sdk, step, subscribe, target, until } from './lib.mjs';

run('auth-endpoints', async (observed) => {
  const server = sdk({ encryptionMasterKeyBase64: hostApp().encryptionMasterKeyBase64 });
  const alice = client(httpAuth('alice'));
  step('connecting');
  await connected(alice);

  const names = {
    private: `private-account.alice.${target.runId}`,
    presence: `presence-room.${target.runId}`,
    encrypted: `private-encrypted-vault.alice.${target.runId}`,
  };
  observed.received = {};
  for (const [type, name] of Object.entries(names)) {
    step(`subscribing to ${name} through the auth endpoint`);
    const channel = await subscribe(alice, name);
    if (type === 'presence') {
      assert.equal(channel.members.count, 1, 'presence member count after joining alone');
      assert.equal(channel.members.me.id, 'alice', 'me.id from the channel_data the endpoint signed');
      assert.deepEqual(channel.members.me.info, { name: 'Alice' });
      observed.me = channel.members.me;
    }
    step(`triggering on ${name}`);
    const payload = { type, text: `hello ${type} é✓` };
    const arrived = next(channel, 'OrderShipped', `the event on ${name}`);
    const response = await server.trigger(name, 'OrderShipped', payload);
    assert.equal(response.status, 200, `trigger on ${name} answered ${response.status}`);
    assert.deepEqual(await arrived, payload, `payload received on ${name}`);
    observed.received[type] = payload;
  }

  step('signing in through the user-auth endpoint');
  alice.signin();
  await until(() => alice.user.user_data, 'signin_success (pusher.user.user_data)');
  assert.deepEqual(alice.user.user_data, { id: 'alice', user_info: { name: 'Alice' } });
  await until(() => alice.user.serverToUserChannel && alice.user.serverToUserChannel.subscribed,
    'the subscription to #server-to-user-alice');
  step('sendToUser');
  const notes = record(alice.user, 'note');
  const response = await server.sendToUser('alice', 'note', { text: 'hi Alice' });
  assert.equal(response.status, 200);
  await until(() => notes.length >= 1, 'the note sent with sendToUser(\'alice\', ...)');
  assert.deepEqual(notes, [{ text: 'hi Alice' }]);
  observed.userData = alice.user.user_data;
  observed.notes = notes;
});
