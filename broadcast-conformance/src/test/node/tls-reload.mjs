// A certificate replaced while clients are connected (TLS target only): a pusher-js client
// connected over wss stays; the test replaces the certificate files (as certbot renews them);
// the next connections are served the new certificate (read from a raw TLS handshake) without a
// restart; a new pusher-js client connects with it; an event triggered over https reaches both.
import tls from 'node:tls';
import { ask, assert, client, connected, next, run, sdk, sleep, step, subscribe, target, unique, until } from './lib.mjs';

/** The common name of the certificate a new TLS connection to the target is served. */
function servedName() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: target.host, port: target.port, servername: 'localhost' }, () => {
      const name = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(name);
    });
    socket.on('error', reject);
  });
}

run('tls-reload', async (observed) => {
  observed.before = await servedName();
  const channelName = unique('renewals');
  const early = client();
  await connected(early, 'the client connected before the renewal');
  const earlyChannel = await subscribe(early, channelName);

  const renewed = await ask('replace-certificate');
  step(`waiting for ${renewed} to be served`);
  const deadline = Date.now() + 10000;
  let served = await servedName();
  while (served !== renewed && Date.now() < deadline) {
    await sleep(200);
    served = await servedName();
  }
  observed.after = served;
  assert.equal(observed.after, renewed, 'the new certificate is served to new connections');

  const late = client();
  await connected(late, 'a client connecting after the renewal');
  const lateChannel = await subscribe(late, channelName);
  const toEarly = next(earlyChannel, 'renewed', 'the event on the connection from before', 5000);
  const toLate = next(lateChannel, 'renewed', 'the event on the new connection', 5000);
  await sdk().trigger(channelName, 'renewed', { name: renewed });
  observed.received = [(await toEarly).name, (await toLate).name];
  assert.equal(early.connection.state, 'connected', 'the connection from before stayed');
});
