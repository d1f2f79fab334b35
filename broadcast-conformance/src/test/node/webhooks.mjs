// Scenario 10: webhooks. This script listens on 127.0.0.1:$WEBHOOK_PORT (the URL the target was
// configured with), makes the target emit channel_occupied, member_added, client_event,
// member_removed and channel_vacated, and checks every post with the SDK's webhook().isValid()
// (signature, key and Content-Type exactly application/json). Posts about other runs' channels
// (retries from earlier scenarios) are validated too but otherwise ignored.
import http from 'node:http';
import { assert, client, connected, run, sdk, step, subscribe, unique, until } from './lib.mjs';

const port = Number(process.env.WEBHOOK_PORT);
if (!port) {
  console.error('WEBHOOK_PORT is not set');
  process.exit(3);
}

function listen(posts) {
  return new Promise((resolve, reject) => {
    const receiver = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        posts.push({ method: request.method, url: request.url, headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        response.end('ok');
      });
    });
    receiver.on('error', reject);
    receiver.listen(port, '127.0.0.1', () => resolve(receiver));
  });
}

run('webhooks', async (observed) => {
  const posts = [];
  step(`listening on 127.0.0.1:${port}`);
  const receiver = await listen(posts);
  receiver.unref();
  const server = sdk();

  const publicName = unique('hooks');
  const privateName = unique('private-hooks');
  const presenceName = unique('presence-hooks');
  const a = client({ presence: { user_id: 'u1', user_info: { name: 'One' } } });
  const b = client({ presence: { user_id: 'u2', user_info: { name: 'Two' } } });
  step('connecting');
  const aSocket = await connected(a, 'client A');
  await connected(b, 'client B');

  step('subscribing');
  await subscribe(a, publicName);
  const aPrivate = await subscribe(a, privateName);
  await subscribe(b, privateName);
  const aPresence = await subscribe(a, presenceName);
  await subscribe(b, presenceName);

  step('whispering');
  aPrivate.trigger('client-ping', { n: 1 });
  aPresence.trigger('client-ping', { n: 2 });

  // let the whispers reach B before unsubscribing, so they are relayed (and hooked) for sure
  const got = [];
  b.channel(privateName).bind('client-ping', (d) => got.push(d.n));
  b.channel(presenceName).bind('client-ping', (d) => got.push(d.n));
  await until(() => got.length === 2, 'both whispers on client B');

  step('unsubscribing');
  a.unsubscribe(publicName);
  b.unsubscribe(presenceName);
  a.unsubscribe(presenceName);
  a.unsubscribe(privateName);
  b.unsubscribe(privateName);

  const mine = (event) => [publicName, privateName, presenceName].includes(event.channel);
  const events = () => posts.flatMap((p) => {
    try {
      return JSON.parse(p.rawBody).events.filter(mine);
    } catch (e) {
      return [];
    }
  });
  const has = (name, channel, extra = () => true) => events().some((e) => e.name === name && e.channel === channel && extra(e));
  const expected = [
    ['channel_occupied', publicName],
    ['channel_vacated', publicName],
    ['channel_occupied', privateName],
    ['client_event', privateName, (e) => e.event === 'client-ping' && e.socket_id === aSocket && JSON.parse(e.data).n === 1],
    ['channel_vacated', privateName],
    ['channel_occupied', presenceName],
    ['member_added', presenceName, (e) => e.user_id === 'u1'],
    ['member_added', presenceName, (e) => e.user_id === 'u2'],
    ['client_event', presenceName, (e) => e.event === 'client-ping' && e.user_id === 'u1' && JSON.parse(e.data).n === 2],
    ['member_removed', presenceName, (e) => e.user_id === 'u2'],
    ['member_removed', presenceName, (e) => e.user_id === 'u1'],
    ['channel_vacated', presenceName],
  ];
  step('waiting for the webhooks');
  try {
    await until(() => expected.every(([name, channel, extra]) => has(name, channel, extra)), 'every expected webhook', 10000);
  } finally {
    observed.events = events();
    observed.missing = expected.filter(([name, channel, extra]) => !has(name, channel, extra)).map(([n, c]) => `${n} ${c}`);
  }

  step('validating every post with sdk.webhook()');
  observed.posts = posts.length;
  for (const post of posts) {
    const webhook = server.webhook({ headers: post.headers, rawBody: post.rawBody });
    assert.equal(post.method, 'POST');
    assert.equal(post.headers['content-type'], 'application/json', 'Content-Type must be exactly application/json');
    assert.equal(post.headers['x-pusher-key'], server.config.token.key);
    assert.ok(webhook.isValid(), `sdk.webhook(...).isValid() is false for ${JSON.stringify(post)}`);
    assert.equal(typeof webhook.getTime().getTime(), 'number');
  }
  for (const event of observed.events) {
    assert.ok(event.name !== 'member_added' || event.user_id, `member_added without user_id: ${JSON.stringify(event)}`);
  }
  observed.names = [...new Set(observed.events.map((e) => e.name))].sort();
  delete observed.missing;
});
