// Cluster scenario: a node dies without goodbye (SIGKILL). Ann is in a presence room through node 0,
// Bob through the last node. The test kills Bob's node; Ann's Echo must see leaving(Bob) within
// 15 s (the time is printed), node 0's API must list only Ann, and Bob's node, started again on
// the same port, must not bring Bob back.
import { assert, ask, client, connected, echo, nodes, onNode, run, sdkOn, step, subscribed, unique, until } from './lib.mjs';

const room = unique('death');
const channelName = `presence-${room}`;

run('cluster-node-death', async (observed) => {
  const last = nodes.length - 1;
  const ann = echo({ ...onNode(0), presence: { user_id: 'ann', user_info: { name: 'Ann' } } });
  const state = { here: [], joining: [], leaving: [] };
  ann.join(room).here((m) => state.here.push(m.map((x) => x.name))).joining((m) => state.joining.push(m.name))
    .leaving((m) => state.leaving.push(m.name));
  await connected(ann.connector.pusher, 'Ann');
  await subscribed(ann.connector.pusher.channel(channelName));
  const bob = client({ ...onNode(last), presence: { user_id: 'bob', user_info: { name: 'Bob' } } });
  await connected(bob, 'Bob');
  await subscribed(bob.subscribe(channelName));
  await until(() => state.joining.includes('Bob'), 'joining(Bob) on Ann\'s tab');

  await ask(`kill-node-${last}`);
  const killedAt = Date.now();
  bob.disconnect(); // Bob's browser gives up, so it cannot rejoin when the node returns
  step('waiting for leaving(Bob)');
  await until(() => state.leaving.includes('Bob'), 'leaving(Bob) after his node died', 20000);
  observed.removedAfterMs = Date.now() - killedAt;
  console.log(`members of the killed node removed after ${observed.removedAfterMs} ms`);
  assert.ok(observed.removedAfterMs <= 15000, `within 15 s, took ${observed.removedAfterMs} ms`);
  const users = await (await sdkOn(0).get({ path: `/channels/${channelName}/users` })).json();
  assert.deepEqual(users, { users: [{ id: 'ann' }] });

  await ask(`restart-node-${last}`);
  step('the restarted node');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = await (await sdkOn(last).get({ path: `/channels/${channelName}/users` })).json();
  assert.deepEqual(after, { users: [{ id: 'ann' }] }, 'the restarted node brought nobody back');
  assert.deepEqual(state.leaving, ['Bob'], 'leaving once');
  assert.deepEqual(state.joining, ['Bob'], 'and nobody joined again');
  observed.users = after;
});
