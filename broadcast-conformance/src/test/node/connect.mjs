// Scenario 1: pusher-js connects and gets a socket id of the form the server SDKs accept.
import { assert, client, connected, run, step } from './lib.mjs';

run('connect', async (observed) => {
  const pusher = client();
  step('connecting');
  const socketId = await connected(pusher);
  observed.socketId = socketId;
  assert.match(socketId, /^\d+\.\d+$/, `socket_id ${socketId} does not match ^\\d+\\.\\d+$`);
  observed.state = pusher.connection.state;
  assert.equal(pusher.connection.state, 'connected');
});
