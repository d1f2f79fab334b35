// Scenario 7: a subscription signed with the wrong secret gets a channel-scoped
// pusher:subscription_error, which Echo's .error(cb) receives; the connection stays up and a
// correctly signed subscription on it still works. Echo builds its own pusher-js client here,
// with the (legacy) authorizer option.
import { assert, connected, Echo, echoConnection, run, sdk, step, subscribe, track, unique, until } from './lib.mjs';

run('bad-signature', async (observed) => {
  const wrong = sdk({ secret: 'not-the-secret' });
  const right = sdk();
  const echo = new Echo({
    ...echoConnection(),
    authorizer: (channel) => ({
      authorize: (socketId, callback) => {
        const good = channel.name.includes('-good-');
        const signer = good ? right : wrong;
        const auth = channel.name.startsWith('presence-')
          ? signer.authorizeChannel(socketId, channel.name, { user_id: '5', user_info: { name: 'Eve' } })
          : signer.authorizeChannel(socketId, channel.name);
        callback(null, auth);
      },
    }),
  });
  const pusher = track(echo.connector.pusher);
  step('connecting');
  await connected(pusher);

  const errors = { private: [], presence: [] };
  const succeeded = { private: false, presence: false };
  echo.private(unique('vault')).error((e) => errors.private.push(e)).subscribed(() => { succeeded.private = true; });
  echo.join(unique('vault')).error((e) => errors.presence.push(e)).subscribed(() => { succeeded.presence = true; });
  step('waiting for the subscription errors');
  await until(() => errors.private.length >= 1 && errors.presence.length >= 1, 'subscription errors on both channels via Echo .error()');
  for (const kind of ['private', 'presence']) {
    const error = errors[kind][0];
    assert.equal(error.type, 'AuthError', `${kind}: error type in ${JSON.stringify(error)}`);
    assert.equal(error.status, 401, `${kind}: error status in ${JSON.stringify(error)}`);
    assert.equal(succeeded[kind], false, `${kind}: subscription must not succeed`);
  }
  assert.equal(pusher.connection.state, 'connected', 'a failed subscription must not close the connection');
  observed.errors = errors;

  step('a correctly signed subscription on the same connection');
  await subscribe(pusher, unique('private-good-vault'));
  assert.equal(pusher.channel(`private-${unique('vault')}`).subscribed, false);
  observed.state = pusher.connection.state;
});
