// Scenario A3 (Jetty only): a custom authorizer that POSTs JSON with fetch, as applications with
// their own HTTP client do, gets the same answers as pusher-js's form (403 for a denied channel).
// X-Socket-ID: the host application's controller (JettyTarget's /test/to-others) passes the
// header to the hub, so the sender's own connection is left out and the others receive the event;
// without the header, or with a malformed one, nobody is left out.
import { assert, client, connected, hostApp, next, record, run, step, subscribe, target, unique, until } from './lib.mjs';

function jsonAuthorizer(user) {
  return {
    customHandler: ({ socketId, channelName }, callback) => {
      fetch(hostApp().authEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Test-User': user },
        body: JSON.stringify({ socket_id: socketId, channel_name: channelName }),
      }).then(async (response) => {
        const body = await response.json();
        if (response.status === 200) {
          callback(null, body);
        } else {
          callback(new Error(`status ${response.status}: ${JSON.stringify(body)}`), null);
        }
      }, (e) => callback(e, null));
    },
  };
}

async function toOthers(channel, text, headers) {
  const url = `${hostApp().toOthersUrl}?channel=${encodeURIComponent(channel)}&event=note&text=${encodeURIComponent(text)}`;
  const response = await fetch(url, { method: 'POST', headers });
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return response.json();
}

run('auth-json-to-others', async (observed) => {
  const alice = client({ channelAuthorization: jsonAuthorizer('alice') });
  const bob = client({ channelAuthorization: jsonAuthorizer('bob') });
  step('connecting');
  const aliceSocket = await connected(alice, 'alice');
  await connected(bob, 'bob');

  step('JSON authorization');
  await subscribe(alice, `private-account.alice.${target.runId}`);
  const refused = alice.subscribe(`private-account.bob.${target.runId}`);
  const error = await next(refused, 'pusher:subscription_error', 'the refusal of bob\'s account to alice');
  assert.equal(error.type, 'AuthError', JSON.stringify(error));
  assert.match(error.error, /^status 403: \{"error":"Forbidden"\}$/, JSON.stringify(error));
  observed.jsonRefusal = error;

  step('X-Socket-ID');
  const news = unique('news');
  const onAlice = record(await subscribe(alice, news), 'note');
  const onBob = record(await subscribe(bob, news), 'note');
  observed.excluded = await toOthers(news, 'not for alice', { 'X-Socket-ID': aliceSocket });
  assert.deepEqual(observed.excluded, { socketId: aliceSocket, queued: 1 });
  observed.echoSpelling = await toOthers(news, 'not for alice either', { 'X-Socket-Id': aliceSocket });
  assert.deepEqual(observed.echoSpelling, { socketId: aliceSocket, queued: 1 });
  observed.malformed = await toOthers(news, 'for everyone', { 'X-Socket-ID': 'abc' });
  assert.deepEqual(observed.malformed, { socketId: null, queued: 2 });
  observed.absent = await toOthers(news, 'for everyone again', {});
  assert.deepEqual(observed.absent, { socketId: null, queued: 2 });
  await until(() => onAlice.length >= 2 && onBob.length >= 4, 'every note on bob and the last two on alice');
  assert.deepEqual(onAlice.map((n) => n.text), ['for everyone', 'for everyone again'],
    'alice misses exactly the notes that named her socket; frames arrive in order');
  assert.deepEqual(onBob.map((n) => n.text), ['not for alice', 'not for alice either', 'for everyone', 'for everyone again']);
  observed.onAlice = onAlice;
  observed.onBob = onBob;
});
