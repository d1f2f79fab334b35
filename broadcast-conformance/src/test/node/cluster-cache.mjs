// Cluster scenario: a cache channel's last event is kept cluster-wide. It is triggered through
// node 0 while nobody anywhere is subscribed; a subscriber on another node gets it at once.
// A cache channel never triggered answers pusher:cache_miss.
import { assert, client, connected, nodes, onNode, record, run, sdkOn, step, subscribe, unique, until } from './lib.mjs';

const price = `cache-${unique('price')}`;
const empty = `cache-${unique('empty')}`;

run('cluster-cache', async (observed) => {
  step('trigger through node 0 with no subscriber');
  await sdkOn(0).trigger(price, 'price', { value: 42 });
  const late = client(onNode(nodes.length - 1));
  await connected(late);
  const channel = late.subscribe(price);
  const prices = record(channel, 'price');
  const misses = record(channel, 'pusher:cache_miss');
  await subscribe(late, price);
  await until(() => prices.length === 1, 'the cached event on the last node');
  assert.deepEqual(prices, [{ value: 42 }]);
  assert.deepEqual(misses, []);
  const other = late.subscribe(empty);
  const emptyMisses = record(other, 'pusher:cache_miss');
  await subscribe(late, empty);
  await until(() => emptyMisses.length === 1, 'cache_miss for a channel never triggered');
  observed.prices = prices;
});
