// Scenario 6: user authentication. pusher-js signs in with the SDK's authenticateUser, subscribes
// to #server-to-user-42 by itself, and sdk.sendToUser('42', ...) reaches pusher.user.bind(...).
import { assert, client, connected, record, run, sdk, step, until } from './lib.mjs';

run('signin', async (observed) => {
  const server = sdk();
  const pusher = client({
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        try {
          callback(null, server.authenticateUser(socketId, { id: '42', user_info: { name: 'Ann' } }));
        } catch (e) {
          callback(e, null);
        }
      },
    },
  });
  step('connecting');
  await connected(pusher);
  step('signing in');
  pusher.signin();
  await until(() => pusher.user.user_data, 'signin_success (pusher.user.user_data)');
  assert.equal(pusher.user.user_data.id, '42');
  assert.deepEqual(pusher.user.user_data.user_info, { name: 'Ann' });
  step('waiting for the #server-to-user-42 subscription');
  await until(() => pusher.user.serverToUserChannel && pusher.user.serverToUserChannel.subscribed,
    'the subscription to #server-to-user-42');
  observed.userChannel = pusher.user.serverToUserChannel.name;
  assert.equal(observed.userChannel, '#server-to-user-42');

  step('sendToUser');
  const notes = record(pusher.user, 'note');
  await server.sendToUser('43', 'note', { text: 'for someone else' });
  const response = await server.sendToUser('42', 'note', { text: 'hi Ann' });
  assert.equal(response.status, 200);
  await until(() => notes.length >= 1, 'the note sent with sendToUser(\'42\', ...)');
  assert.deepEqual(notes, [{ text: 'hi Ann' }], 'user 42 receives its own note and not the one for user 43');
  observed.notes = notes;
  observed.userData = pusher.user.user_data;
});
