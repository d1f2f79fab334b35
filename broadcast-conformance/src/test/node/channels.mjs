// Scenario 2: public, private, presence and encrypted channels subscribe, and events the SDK
// triggers over the HTTP API arrive on each. The encrypted channel's key comes from the SDK's
// authorizeChannel (shared_secret); the SDK encrypts, pusher-js decrypts.
import crypto from 'node:crypto';
import { assert, client, connected, next, run, sdk, step, subscribe, unique } from './lib.mjs';

run('channels', async (observed) => {
  const server = sdk({ encryptionMasterKeyBase64: crypto.randomBytes(32).toString('base64') });
  const pusher = client({ authSdk: server, presence: { user_id: '7', user_info: { name: 'Seven' } } });
  step('connecting');
  await connected(pusher);

  const names = {
    public: unique('orders'),
    private: unique('private-orders'),
    presence: unique('presence-orders'),
    encrypted: unique('private-encrypted-orders'),
  };
  observed.received = {};
  for (const [type, name] of Object.entries(names)) {
    step(`subscribing to the ${type} channel ${name}`);
    const channel = await subscribe(pusher, name);
    if (type === 'presence') {
      assert.equal(channel.members.count, 1, 'presence member count after joining alone');
      assert.equal(channel.members.me.id, '7');
      assert.deepEqual(channel.members.me.info, { name: 'Seven' });
    }
    step(`triggering on the ${type} channel ${name}`);
    const payload = { type, text: `hello ${type} é✓`, n: 42 };
    const arrived = next(channel, 'OrderShipped', `the event on the ${type} channel`);
    const response = await server.trigger(name, 'OrderShipped', payload);
    assert.equal(response.status, 200, `trigger on ${name} answered ${response.status}`);
    const data = await arrived;
    assert.deepEqual(data, payload, `payload received on ${name}`);
    observed.received[type] = data;
  }
});
