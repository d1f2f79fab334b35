// Scenario A2 (Jetty only): laravel-echo configured as in a Laravel application (authEndpoint,
// auth.headers, userAuthentication), building its own pusher-js client. Presence through
// /broadcasting/auth: here() and joining() carry the members the channel route returned.
// Refusals reach Echo's .error() as AuthError with status 403: a channel the route denies, a
// presence route's denial, and nobody signed in; the connections stay up.
import { assert, echoAs, run, sdk, step, target, until } from './lib.mjs';

function names(members) {
  return members.map((m) => m.name).sort();
}

run('auth-echo', async (observed) => {
  const room = `room.${target.runId}`;
  const alice = echoAs('alice');
  const bob = echoAs('bob');

  step('alice joins the room');
  const onAlice = { here: [], joining: [], markers: [] };
  alice.join(room)
    .here((members) => onAlice.here.push(members))
    .joining((member) => onAlice.joining.push(member))
    .listen('.marker', (data) => onAlice.markers.push(data.n));
  await until(() => onAlice.here.length === 1, 'here() for alice');
  assert.deepEqual(onAlice.here[0], [{ name: 'Alice' }]);

  step('bob joins the room');
  const onBob = { here: [] };
  bob.join(room).here((members) => onBob.here.push(members));
  await until(() => onBob.here.length === 1 && onAlice.joining.length === 1, 'here() for bob and joining(bob) for alice');
  assert.deepEqual(names(onBob.here[0]), ['Alice', 'Bob']);
  assert.deepEqual(onAlice.joining, [{ name: 'Bob' }]);

  step('refusals');
  const errors = { denied: [], presenceDenied: [], nobody: [] };
  alice.private(`account.bob.${target.runId}`).error((e) => errors.denied.push(e));
  const mallory = echoAs('mallory');
  mallory.join(room).error((e) => errors.presenceDenied.push(e));
  const nobody = echoAs(null);
  nobody.private(`account.alice.${target.runId}`).error((e) => errors.nobody.push(e));
  await until(() => Object.values(errors).every((list) => list.length >= 1), 'an error on each refused channel via Echo .error()');
  for (const [kind, list] of Object.entries(errors)) {
    assert.equal(list[0].type, 'AuthError', `${kind}: ${JSON.stringify(list[0])}`);
    assert.equal(list[0].status, 403, `${kind}: ${JSON.stringify(list[0])}`);
  }

  step('a marker after the refusals: mallory never joined');
  await sdk().trigger(`presence-${room}`, 'marker', { n: 1 });
  await until(() => onAlice.markers.includes(1), 'the marker on alice');
  assert.deepEqual(onAlice.joining, [{ name: 'Bob' }], 'no joining() for a refused member');
  assert.equal(alice.connector.pusher.channel(`presence-${room}`).members.count, 2);
  for (const [who, echo] of Object.entries({ alice, mallory, nobody })) {
    assert.equal(echo.connector.pusher.connection.state, 'connected', `${who} is still connected`);
  }
  observed.hereBob = onBob.here[0];
  observed.joiningOnAlice = onAlice.joining;
  observed.errors = errors;
});
