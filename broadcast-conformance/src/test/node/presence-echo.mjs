// Scenario 3: presence with laravel-echo. Two tabs (two pusher-js connections) of the same user
// are ONE member: here() lists the user once, joining fires only for a new user, leaving only when
// the user's last tab leaves (here one tab unsubscribes, then the other disconnects).
// "Did not fire" is checked with a marker event triggered through the HTTP API after the action:
// a connection receives frames in order, so once the marker arrived, a member_added/member_removed
// caused by the action would have arrived before it.
import { assert, connected, echo, run, sdk, step, subscribed, unique, until } from './lib.mjs';

const room = unique('room');
const channelName = `presence-${room}`;
const server = sdk();

function tab(userId, name) {
  const instance = echo({ presence: { user_id: userId, user_info: { id: userId, name } } });
  const state = { userId, instance, here: [], joining: [], leaving: [], markers: [] };
  state.channel = instance.join(room)
    .here((members) => state.here.push(members))
    .joining((member) => state.joining.push(member))
    .leaving((member) => state.leaving.push(member))
    .listen('.marker', (data) => state.markers.push(data.n));
  return state;
}

async function joined(state, what) {
  step(`waiting for ${what} to connect and join ${channelName}`);
  await connected(state.instance.connector.pusher, what);
  await subscribed(state.instance.connector.pusher.channel(channelName), channelName);
  await until(() => state.here.length === 1, `here() for ${what}`);
}

let markerCount = 0;
/** Triggers a marker and waits until every tab in {@code tabs} has it. */
async function marker(tabs) {
  const n = ++markerCount;
  step(`marker ${n}`);
  await server.trigger(channelName, 'marker', { n });
  await until(() => tabs.every((t) => t.markers.includes(n)), `marker ${n} on every open tab`);
}

function names(members) {
  return members.map((m) => m.name).sort();
}

run('presence-echo', async (observed) => {
  const ann1 = tab('1', 'Ann');
  await joined(ann1, 'Ann tab 1');
  assert.deepEqual(names(ann1.here[0]), ['Ann'], 'here() of the first tab');

  const ann2 = tab('1', 'Ann');
  await joined(ann2, 'Ann tab 2');
  assert.deepEqual(names(ann2.here[0]), ['Ann'], 'here() of the second tab of the same user lists the user once');
  await marker([ann1, ann2]);
  assert.deepEqual(ann1.joining, [], 'joining must not fire on tab 1 when the same user opens a second tab');

  const bob = tab('2', 'Bob');
  await joined(bob, 'Bob');
  assert.deepEqual(names(bob.here[0]), ['Ann', 'Bob'], 'here() for Bob: Ann once (two tabs) and Bob');
  await until(() => ann1.joining.length >= 1 && ann2.joining.length >= 1, 'joining(Bob) on both of Ann\'s tabs');
  await marker([ann1, ann2, bob]);
  assert.deepEqual(ann1.joining, [{ id: '2', name: 'Bob' }], 'joining on Ann tab 1 fired exactly once, for Bob');
  assert.deepEqual(ann2.joining, [{ id: '2', name: 'Bob' }], 'joining on Ann tab 2 fired exactly once, for Bob');
  assert.deepEqual(bob.joining, [], 'Bob sees no joining for himself');
  const members = bob.instance.connector.pusher.channel(channelName).members;
  assert.equal(members.count, 2, 'pusher-js member count for Bob');

  step('Ann leaves the room in tab 2 (unsubscribe)');
  ann2.instance.leave(room);
  await marker([ann1, bob]);
  assert.deepEqual(bob.leaving, [], 'leaving must not fire while Ann still has a tab open');
  assert.equal(members.count, 2, 'Ann is still a member while one tab is open');

  step('Ann closes tab 1 (disconnect)');
  ann1.instance.disconnect();
  await until(() => bob.leaving.length >= 1, 'leaving(Ann) on Bob');
  await marker([bob]);
  assert.deepEqual(bob.leaving, [{ id: '1', name: 'Ann' }], 'leaving fired exactly once, for Ann, when her last tab left');
  assert.equal(members.count, 1, 'only Bob is left');

  observed.hereAnn1 = ann1.here[0];
  observed.hereAnn2 = ann2.here[0];
  observed.hereBob = bob.here[0];
  observed.joiningOnAnn1 = ann1.joining;
  observed.leavingOnBob = bob.leaving;
});
