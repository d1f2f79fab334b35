// Cluster scenario: Redis is killed (SIGKILL) and started again, empty. While it is down, triggers
// through node 0 still answer and reach node 0's subscriber (local delivery never stops), and no
// client is disconnected. Once it is back, without restarting any node or client, cross-node
// delivery and the presence roster return within 10 s (times printed): a newcomer on node 0 sees
// Bob of node 1, Bob sees joining(Carol) once, and nobody saw a spurious join or leave.
import { assert, ask, client, connected, echo, onNode, record, run, sdkOn, step, subscribe, unique, until } from './lib.mjs';

const news = unique('news');
const room = unique('room');
const channelName = `presence-${room}`;

function member(node, id, name) {
  const instance = echo({ ...onNode(node), presence: { user_id: id, user_info: { name } } });
  const state = { instance, here: [], joining: [], leaving: [] };
  instance.join(room).here((m) => state.here.push(m.map((x) => x.name).sort()))
    .joining((m) => state.joining.push(m.name)).leaving((m) => state.leaving.push(m.name));
  return state;
}

run('cluster-redis-restart', async (observed) => {
  const c0 = client(onNode(0));
  const c1 = client(onNode(1));
  const drops = [];
  for (const c of [c0, c1]) {
    await connected(c);
    c.connection.bind('state_change', ({ current }) => drops.push(current));
  }
  const got0 = record(await subscribe(c0, news), 'tick');
  const got1 = record(await subscribe(c1, news), 'tick');
  const ann = member(0, 'ann', 'Ann');
  await connected(ann.instance.connector.pusher);
  await until(() => ann.here.length === 1, 'here() for Ann');
  const bob = member(1, 'bob', 'Bob'); // after Ann is in, so that Ann sees joining(Bob)
  await connected(bob.instance.connector.pusher);
  await until(() => bob.here.length === 1, 'here() for Bob');
  for (const m of [ann, bob]) {
    m.instance.connector.pusher.connection.bind('state_change', ({ current }) => drops.push(current));
  }
  await until(() => ann.joining.includes('Bob'), 'joining(Bob)');

  await ask('kill-redis');
  step('local delivery while Redis is down');
  for (let n = 1; n <= 10; n++) {
    const response = await sdkOn(0).trigger(news, 'tick', { n });
    assert.equal(response.status, 200, 'a trigger is answered while Redis is down');
    await until(() => got0.some((d) => d.n === n), `tick ${n} on node 0's own subscriber`, 2000);
  }
  observed.localWhileDown = got0.length;

  await ask('restart-redis');
  const restartedAt = Date.now();
  step('cross-node delivery back');
  let n = 100;
  while (!got1.some((d) => d.n >= 100)) {
    assert.ok(Date.now() - restartedAt <= 10000, 'cross-node delivery back within 10 s');
    await sdkOn(0).trigger(news, 'tick', { n: n++ });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  observed.deliveryBackMs = Date.now() - restartedAt;
  step('roster back');
  for (;;) {
    const users = await (await sdkOn(0).get({ path: `/channels/${channelName}/users` })).json();
    if (users.users && users.users.length === 2) {
      break;
    }
    assert.ok(Date.now() - restartedAt <= 10000, `roster back within 10 s: ${JSON.stringify(users)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  observed.rosterBackMs = Date.now() - restartedAt;
  console.log(`after Redis restarted empty: cross-node delivery back in ${observed.deliveryBackMs} ms, roster in ${observed.rosterBackMs} ms`);
  const carol = member(0, 'carol', 'Carol');
  await connected(carol.instance.connector.pusher);
  await until(() => carol.here.length === 1, 'here() for Carol');
  assert.deepEqual(carol.here[0], ['Ann', 'Bob', 'Carol'], 'the newcomer on node 0 sees Bob of node 1');
  await until(() => bob.joining.includes('Carol'), 'joining(Carol) on Bob\'s node');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(bob.joining, ['Carol'], 'no member was announced again to Bob');
  assert.deepEqual(ann.joining, ['Bob', 'Carol']);
  assert.deepEqual([...ann.leaving, ...bob.leaving], [], 'nobody left');
  assert.deepEqual(drops, [], 'no client was disconnected');
});
