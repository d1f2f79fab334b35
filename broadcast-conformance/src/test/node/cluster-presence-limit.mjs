// Cluster scenario: the presence member limit (100) counts the cluster. 100 users join one presence
// channel, spread over the nodes; the 101st, on node 0, is refused with LimitReached (4100) and
// changes nothing; a second connection of a user already in, on another node, is accepted.
import { assert, client, connected, nodes, onNode, run, sdkOn, step, subscribe, unique } from './lib.mjs';

const channelName = `presence-${unique('full')}`;

run('cluster-presence-limit', async (observed) => {
  step('100 members over the nodes');
  const members = [];
  for (let i = 0; i < 100; i++) {
    members.push(client({ ...onNode(i), presence: { user_id: `u${i}`, user_info: {} } }));
  }
  await Promise.all(members.map((c) => connected(c)));
  await Promise.all(members.map((c) => subscribe(c, channelName, 10000)));

  step('the 101st user');
  const extra = client({ ...onNode(0), presence: { user_id: 'u100', user_info: {} } });
  await connected(extra);
  const refusal = await new Promise((resolve) => {
    const channel = extra.subscribe(channelName);
    channel.bind('pusher:subscription_error', resolve);
    channel.bind('pusher:subscription_succeeded', () => resolve(null));
  });
  assert.ok(refusal, 'the 101st user is refused');
  assert.equal(refusal.type, 'LimitReached');
  assert.equal(refusal.status, 4100);

  step('a present user\'s second connection, on another node');
  const again = client({ ...onNode(1), presence: { user_id: 'u0', user_info: {} } });
  await connected(again);
  await subscribe(again, channelName);
  const info = await (await sdkOn(nodes.length - 1).get({ path: `/channels/${channelName}`, params: { info: 'user_count' } })).json();
  assert.equal(info.user_count, 100);
  observed.refusal = refusal;
  observed.userCount = info.user_count;
});
