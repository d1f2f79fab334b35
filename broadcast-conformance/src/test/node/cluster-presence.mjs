// Cluster scenario: presence with laravel-echo across nodes. Ann opens a tab on node 0 and another
// on node 1, Bob joins on the last node. here() lists the members of every node, each user once;
// joining fires once per new user, wherever its connection is; leaving fires only when a user's
// last tab anywhere leaves, once.
import { assert, connected, echo, nodes, onNode, run, sdkOn, step, subscribed, unique, until } from './lib.mjs';

const room = unique('room');
const channelName = `presence-${room}`;

function tab(node, userId, name) {
  const instance = echo({ ...onNode(node), presence: { user_id: userId, user_info: { name } } });
  const state = { instance, here: [], joining: [], leaving: [], markers: [] };
  instance.join(room)
    .here((members) => state.here.push(members.map((m) => m.name).sort()))
    .joining((m) => state.joining.push(m.name))
    .leaving((m) => state.leaving.push(m.name))
    .listen('.marker', (d) => state.markers.push(d.n));
  return state;
}

async function joined(state, what) {
  step(`${what} joining`);
  await connected(state.instance.connector.pusher, what);
  await subscribed(state.instance.connector.pusher.channel(channelName), channelName);
  await until(() => state.here.length === 1, `here() for ${what}`);
}

let markers = 0;
async function marker(tabs) {
  const n = ++markers;
  await sdkOn(n).trigger(channelName, 'marker', { n });
  await until(() => tabs.every((t) => t.markers.includes(n)), `marker ${n} on every open tab`);
}

run('cluster-presence', async (observed) => {
  const ann1 = tab(0, '1', 'Ann');
  await joined(ann1, 'Ann on node 0');
  const ann2 = tab(1, '1', 'Ann');
  await joined(ann2, 'Ann on node 1');
  assert.deepEqual(ann2.here[0], ['Ann'], 'Ann once, though on two nodes');
  const bob = tab(nodes.length - 1, '2', 'Bob');
  await joined(bob, `Bob on node ${nodes.length - 1}`);
  assert.deepEqual(bob.here[0], ['Ann', 'Bob'], 'here() lists the members of every node');
  await marker([ann1, ann2, bob]);
  assert.deepEqual(ann1.joining, ['Bob']);
  assert.deepEqual(ann2.joining, ['Bob']);
  assert.deepEqual(bob.joining, []);

  step('one of Ann\'s tabs leaves');
  ann1.instance.leave(room);
  await marker([ann2, bob]);
  assert.deepEqual(bob.leaving, [], 'Ann still has a tab on node 1');

  step('Ann\'s last tab leaves');
  ann2.instance.disconnect();
  await until(() => bob.leaving.length >= 1, 'leaving(Ann) on Bob\'s tab');
  await marker([bob]);
  assert.deepEqual(bob.leaving, ['Ann'], 'once');
  observed.here = { ann1: ann1.here, ann2: ann2.here, bob: bob.here };
  observed.joining = { ann1: ann1.joining, ann2: ann2.joining };
  observed.leaving = bob.leaving;
});
