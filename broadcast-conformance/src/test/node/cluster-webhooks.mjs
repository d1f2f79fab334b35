// Cluster scenario: webhooks once per cluster. Ann joins a presence channel on node 0 and on node 1,
// Bob on the last node, Bob whispers, everyone leaves; a cache channel is missed on node 1. The
// nodes post to one collector; for this run's channels it must hold exactly one channel_occupied
// and one channel_vacated per channel, one member_added and one member_removed per user, one
// client_event and one cache_miss.
import { assert, client, connected, nodes, onNode, run, step, subscribe, unique } from './lib.mjs';

const room = `presence-${unique('hooks')}`;
const cache = `cache-${unique('hooks')}`;

async function events() {
  const all = await (await fetch(process.env.WEBHOOK_LOG)).json();
  return all.filter((e) => e.channel === room || e.channel === cache)
    .map((e) => [e.name, e.channel === room ? 'room' : 'cache', e.user_id].filter(Boolean).join(' '));
}

run('cluster-webhooks', async (observed) => {
  const ann0 = client({ ...onNode(0), presence: { user_id: 'ann', user_info: {} } });
  const ann1 = client({ ...onNode(1), presence: { user_id: 'ann', user_info: {} } });
  const bob = client({ ...onNode(nodes.length - 1), presence: { user_id: 'bob', user_info: {} } });
  step('joining');
  for (const c of [ann0, ann1, bob]) {
    await connected(c);
    await subscribe(c, room);
  }
  bob.channel(room).trigger('client-wave', { hi: true });
  const missed = new Promise((resolve) => ann1.subscribe(cache).bind('pusher:cache_miss', resolve));
  await subscribe(ann1, cache);
  await missed; // the miss (and its webhook) before anyone leaves
  step('leaving');
  for (const c of [ann0, ann1, bob]) {
    c.disconnect();
  }
  const expected = ['cache_miss cache', 'channel_occupied cache', 'channel_occupied room', 'channel_vacated cache',
    'channel_vacated room', 'client_event room bob', 'member_added room ann', 'member_added room bob',
    'member_removed room ann', 'member_removed room bob'];
  let got = [];
  for (let i = 0; i < 50 && got.length < expected.length; i++) {
    got = await events();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  got = (await events()).sort();
  observed.webhooks = got;
  assert.deepEqual(got, expected, 'each transition once for the cluster');
});
