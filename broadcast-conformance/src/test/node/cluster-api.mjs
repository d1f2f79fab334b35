// Cluster scenario: the HTTP API answers for the whole cluster on any node (the pusher SDK pointed
// at each node in turn): channel lists with a prefix and user_count, a channel's occupied,
// user_count (a user on two nodes counted once) and subscription_count, its users, the app's
// connections; terminateUserConnections closes a user's connections on every node, and sendToUser
// reaches a user signed in on another node.
import { assert, client, connected, nodes, onNode, run, sdk, sdkOn, step, subscribe, unique, until } from './lib.mjs';

const room = `presence-${unique('team')}`;
const plain = unique('plain');

function member(node, id, name, signedIn) {
  const server = sdk();
  const options = { ...onNode(node), presence: { user_id: id, user_info: { name } } };
  if (signedIn) {
    options.userAuthentication = {
      customHandler: ({ socketId }, callback) => callback(null, server.authenticateUser(socketId, { id, user_info: { name } })),
    };
  }
  return client(options);
}

run('cluster-api', async (observed) => {
  const ann0 = member(0, 'ann', 'Ann', true);
  const ann1 = member(1, 'ann', 'Ann', true);
  const bob = member(nodes.length - 1, 'bob', 'Bob', false);
  const all = [ann0, ann1, bob];
  step('connecting');
  await Promise.all(all.map((c) => connected(c)));
  for (const c of all) {
    await subscribe(c, room);
  }
  await subscribe(bob, plain);
  ann0.signin();
  ann1.signin();
  await until(() => ann0.user.serverToUserChannel?.subscribed && ann1.user.serverToUserChannel?.subscribed, 'Ann signed in on two nodes');
  await new Promise((resolve) => setTimeout(resolve, 200)); // counts reach Redis without being waited for

  observed.answers = [];
  for (let i = 0; i < nodes.length; i++) {
    step(`asking node ${i}`);
    const api = sdkOn(i);
    const info = await (await api.get({ path: `/channels/${room}`, params: { info: 'user_count,subscription_count' } })).json();
    assert.deepEqual(info, { occupied: true, user_count: 2, subscription_count: 3 }, `node ${i}: Ann counted once`);
    const users = await (await api.get({ path: `/channels/${room}/users` })).json();
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['ann', 'bob']);
    const presence = await (await api.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
    assert.deepEqual(presence.channels[room], { user_count: 2 });
    const every = await (await api.get({ path: '/channels' })).json();
    assert.ok(every.channels[plain] && every.channels[room], `node ${i} lists channels of every node`);
    const connections = await (await api.get({ path: '/connections' })).json();
    assert.ok(connections.connections >= 3, `node ${i} counts the connections of every node: ${JSON.stringify(connections)}`);
    observed.answers.push({ info, connections });
  }

  step('sendToUser through the last node');
  const notes = [[], []];
  ann0.user.bind('note', (d) => notes[0].push(d));
  ann1.user.bind('note', (d) => notes[1].push(d));
  await sdkOn(nodes.length - 1).sendToUser('ann', 'note', { text: 'hi' });
  await until(() => notes[0].length === 1 && notes[1].length === 1, 'the note on both of Ann\'s nodes');

  step('terminateUserConnections through the last node');
  const closed = [];
  for (const [i, c] of [ann0, ann1].entries()) {
    c.connection.bind('state_change', ({ current }) => {
      if (current !== 'connected') {
        closed[i] = true;
      }
    });
  }
  await sdkOn(nodes.length - 1).terminateUserConnections('ann');
  await until(() => closed[0] && closed[1], 'Ann\'s connections closed on both nodes');
  assert.equal(bob.connection.state, 'connected');
  observed.terminated = closed;
});
