// Scenario 8: an unknown app key. The server upgrades, sends pusher:error 4001 and closes with
// 4001; pusher-js reports the 4001 error, ends 'disconnected' and does not reconnect (watched for
// ~3 s: no further 'connecting' phase after the first).
import { assert, client, run, sleep, step, unique } from './lib.mjs';

/** The Pusher error code in a connection 'error' event; pusher-js nests it during the handshake. */
function codeOf(error) {
  return error?.data?.code ?? error?.error?.data?.code;
}

run('unknown-key', async (observed) => {
  const pusher = client({ key: unique('no-such-key') });
  // pusher-js starts connecting inside its constructor: this is the first (and only) attempt
  const states = [pusher.connection.state];
  const errors = [];
  pusher.connection.bind('state_change', ({ current }) => states.push(current));
  pusher.connection.bind('error', (error) => errors.push(error));
  step('watching the connection for 3 s');
  await sleep(3000);
  observed.states = states;
  observed.errors = errors;
  observed.finalState = pusher.connection.state;

  const codes = errors.map(codeOf);
  observed.codes = codes;
  assert.ok(codes.includes(4001), `expected a connection error with code 4001, got ${JSON.stringify(errors)}`);
  assert.equal(pusher.connection.state, 'disconnected', `final state; states ${states.join(' -> ')}`);
  const attempts = states.filter((s) => s === 'connecting').length;
  observed.connectingPhases = attempts;
  assert.equal(attempts, 1, `pusher-js must not reconnect after 4001; states: ${states.join(' -> ')}`);
  assert.ok(!states.includes('connected'), `must never be connected; states: ${states.join(' -> ')}`);
});
