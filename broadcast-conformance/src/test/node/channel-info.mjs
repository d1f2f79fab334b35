// Scenario 9: the SDK's channel queries. Two tabs of user 1 and one of user 2 in a presence room,
// two public channels: GET /channels/{name} with info=user_count,subscription_count, GET /channels
// with filter_by_prefix (and info=user_count for presence), GET /channels/{name}/users, and an
// unoccupied channel.
import { assert, client, connected, run, sdk, sleep, step, subscribe, unique } from './lib.mjs';

async function get(server, path, params) {
  const response = await server.get({ path, params });
  assert.equal(response.status, 200, `GET ${path} answered ${response.status}`);
  return response.json();
}

run('channel-info', async (observed) => {
  const server = sdk();
  const room = unique('presence-room');
  const publicPrefix = unique('stats') + '-';
  const tabs = [
    client({ presence: { user_id: '1', user_info: { name: 'Ann' } } }),
    client({ presence: { user_id: '1', user_info: { name: 'Ann' } } }),
    client({ presence: { user_id: '2', user_info: { name: 'Bob' } } }),
  ];
  step('connecting and subscribing');
  for (const tab of tabs) {
    await connected(tab);
    await subscribe(tab, room);
  }
  await subscribe(tabs[0], publicPrefix + 'a');
  await subscribe(tabs[1], publicPrefix + 'a');
  await subscribe(tabs[2], publicPrefix + 'b');

  step(`GET /channels/${room}`);
  const info = await get(server, `/channels/${room}`, { info: 'user_count,subscription_count' });
  observed.presenceInfo = info;
  assert.equal(info.occupied, true, JSON.stringify(info));
  assert.equal(info.user_count, 2, `user_count counts users, not tabs: ${JSON.stringify(info)}`);
  assert.equal(info.subscription_count, 3, `subscription_count counts connections: ${JSON.stringify(info)}`);

  step(`GET /channels/${publicPrefix}a`);
  const publicInfo = await get(server, `/channels/${publicPrefix}a`, { info: 'subscription_count' });
  observed.publicInfo = publicInfo;
  assert.equal(publicInfo.occupied, true);
  assert.equal(publicInfo.subscription_count, 2, JSON.stringify(publicInfo));

  step('GET /channels?filter_by_prefix=<presence room>&info=user_count');
  const presenceList = await get(server, '/channels', { filter_by_prefix: room, info: 'user_count' });
  observed.presenceList = presenceList;
  assert.deepEqual(presenceList, { channels: { [room]: { user_count: 2 } } });

  step(`GET /channels?filter_by_prefix=${publicPrefix}`);
  const publicList = await get(server, '/channels', { filter_by_prefix: publicPrefix });
  observed.publicList = publicList;
  assert.deepEqual(Object.keys(publicList.channels).sort(), [publicPrefix + 'a', publicPrefix + 'b'],
    JSON.stringify(publicList));

  step(`GET /channels/${room}/users`);
  const users = await get(server, `/channels/${room}/users`);
  observed.users = users;
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['1', '2'], JSON.stringify(users));

  step('an unoccupied channel');
  const empty = await get(server, `/channels/${unique('nobody-here')}`, { info: 'subscription_count' });
  observed.unoccupied = empty;
  assert.equal(empty.occupied, false, JSON.stringify(empty));

  step('counts after one of Ann\'s tabs leaves');
  tabs[1].unsubscribe(room);
  let after;
  const deadline = Date.now() + 5000;
  for (;;) {
    after = await get(server, `/channels/${room}`, { info: 'user_count,subscription_count' });
    if (after.subscription_count === 2 || Date.now() > deadline) {
      break;
    }
    await sleep(50);
  }
  observed.afterOneTabLeft = after;
  assert.equal(after.user_count, 2, JSON.stringify(after));
  assert.equal(after.subscription_count, 2, JSON.stringify(after));
});
