// Shared helpers for the conformance scenarios: the target from the environment, the real clients
// (pusher-js, laravel-echo) and server SDK (pusher), bounded waits, and the run() wrapper that
// gives every scenario a hard timeout, a final JSON line and a clear exit status.
//
// Environment (set by the JUnit side, see NodeRunner.java):
//   TARGET_HOST, TARGET_PORT            where the server under test listens (WebSocket + HTTP API)
//   APP_ID, APP_KEY, APP_SECRET         the app hosted there
//   RUN_ID                              a unique token; channel names include it
//   WEBHOOK_PORT                        (webhooks scenario) where to listen for the server's webhooks
//   AUTH_ENDPOINT, USER_AUTH_ENDPOINT   (auth scenarios, Jetty only) the host app's /broadcasting/auth
//                                       and /broadcasting/user-auth; the user is named by X-Test-User
//   TO_OTHERS_URL                       (auth scenarios) the host app's controller that broadcasts to
//                                       the others of the X-Socket-ID it is sent
//   ENCRYPTION_MASTER_KEY_BASE64        (auth scenarios) the master key the auth endpoint derives
//                                       shared_secret from
//   TARGET_PORTS                        (cluster scenarios) the port of every node, comma separated
//   WEBHOOK_LOG                         (cluster scenarios) a URL answering GET with every webhook
//                                       event the nodes posted so far, as a JSON array
//   SCENARIO_TIMEOUT_MS                 hard timeout of the whole script (default 20000)
//   TARGET_TLS                          1 when the target speaks only wss:// and https:// (its CA is
//                                       in NODE_EXTRA_CA_CERTS, its certificate in TARGET_CERT)
import assert from 'node:assert/strict';
import PusherJs from 'pusher-js';
import Pusher from 'pusher';
import Echo from 'laravel-echo';

function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`Missing environment variable ${name}; these scripts are run by the JUnit tests of broadcast-conformance`);
    process.exit(3);
  }
  return value;
}

export const target = {
  host: required('TARGET_HOST'),
  port: Number(required('TARGET_PORT')),
  appId: required('APP_ID'),
  key: required('APP_KEY'),
  secret: required('APP_SECRET'),
  runId: required('RUN_ID'),
  tls: process.env.TARGET_TLS === '1',
};

/** pusher-js's options for where the target is: its host and port, over TLS when it speaks TLS. */
export function where(port = target.port) {
  return { wsHost: target.host, wsPort: port, wssPort: port, forceTLS: target.tls };
}

/** pusher-js's options for the HTTP transports, to the target's /pusher endpoints. */
export function httpWhere(port = target.port, host = target.host) {
  return { httpHost: host, httpPort: port, httpsPort: port, httpPath: '/pusher' };
}

export { assert, PusherJs, Pusher, Echo };

let stdinLines;
/**
 * Asks the JUnit side to do {@code action} (kill a node, restart Redis…): prints {@code @action}
 * and resolves with the line it answers once done (see NodeRunner.runInteractive).
 */
export async function ask(action) {
  if (!stdinLines) {
    const readline = await import('node:readline');
    stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  }
  step(`waiting for the test to ${action}`);
  console.log(`@${action}`);
  const { value, done } = await stdinLines.next();
  if (done) {
    throw new Error(`stdin closed while waiting for ${action}`);
  }
  return value;
}

/** The nodes of a cluster under test (cluster scenarios): their ports, first is the target's. */
export const nodes = (process.env.TARGET_PORTS ?? String(target.port)).split(',').map(Number);

/** pusher-js options that connect to node {@code i} of the cluster. */
export function onNode(i) {
  return where(nodes[i % nodes.length]);
}

/** The server SDK pointed at node {@code i} of the cluster. */
export function sdkOn(i) {
  return sdk({ port: String(nodes[i % nodes.length]) });
}

/** A channel or room name unique to this run, so scenarios never see each other's traffic. */
export function unique(base) {
  return `${base}-${target.runId}`;
}

/** The server SDK, pointed at the target over plain HTTP. */
export function sdk(extra = {}) {
  return new Pusher({
    appId: target.appId,
    key: target.key,
    secret: target.secret,
    host: target.host,
    port: String(target.port),
    useTLS: target.tls,
    ...extra,
  });
}

const clients = [];
let currentStep = 'starting';

/** Names what the scenario is doing, for the timeout and failure messages. */
export function step(text) {
  currentStep = text;
}

/**
 * A pusher-js client on the ws transport only. Private/presence/encrypted channels are authorized
 * by {@code authorize(socketId, channelName)} (default: the SDK's authorizeChannel, with
 * {@code presence} as channel_data for presence channels).
 */
export function client({ authSdk = sdk(), presence, authorize, key = target.key, ...options } = {}) {
  const handler = authorize ?? ((socketId, channelName) => channelName.startsWith('presence-')
    ? authSdk.authorizeChannel(socketId, channelName, presence)
    : authSdk.authorizeChannel(socketId, channelName));
  const pusher = new PusherJs(key, {
    ...where(),
    enabledTransports: ['ws'],
    cluster: 'mt1',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          callback(null, handler(socketId, channelName));
        } catch (e) {
          callback(e, null);
        }
      },
    },
    ...options,
  });
  clients.push(pusher);
  return pusher;
}

/** The host application beside the target (auth scenarios only): its endpoints and master key. */
export function hostApp() {
  return {
    authEndpoint: required('AUTH_ENDPOINT'),
    userAuthEndpoint: required('USER_AUTH_ENDPOINT'),
    toOthersUrl: required('TO_OTHERS_URL'),
    encryptionMasterKeyBase64: required('ENCRYPTION_MASTER_KEY_BASE64'),
  };
}

/** Request headers that sign {@code user} in to the host application; none for null (nobody). */
export function userHeaders(user) {
  return user ? { 'X-Test-User': user } : {};
}

/**
 * pusher-js options that authorize with pusher-js's own HTTP authorizer (the ajax transport) at
 * the host application's endpoints, as {@code user}.
 */
export function httpAuth(user) {
  const app = hostApp();
  return {
    channelAuthorization: { endpoint: app.authEndpoint, headers: userHeaders(user) },
    userAuthentication: { endpoint: app.userAuthEndpoint, headers: userHeaders(user) },
  };
}

/** Echo's options for letting it build its own pusher-js client to the target, as Laravel apps do. */
export function echoConnection() {
  return {
    broadcaster: 'pusher',
    Pusher: PusherJs,
    key: target.key,
    ...where(),
    enabledTransports: ['ws'],
    cluster: 'mt1',
  };
}

/**
 * An Echo instance configured as in a Laravel application (authEndpoint, auth.headers,
 * userAuthentication), signed in as {@code user}, building its own pusher-js client.
 */
export function echoAs(user) {
  const app = hostApp();
  const instance = new Echo({
    ...echoConnection(),
    authEndpoint: app.authEndpoint,
    auth: { headers: userHeaders(user) },
    userAuthentication: { endpoint: app.userAuthEndpoint, headers: userHeaders(user) },
  });
  track(instance.connector.pusher);
  return instance;
}

/** An Echo instance over its own pusher-js client; {@code echo.connector.pusher} is that client. */
export function echo(clientOptions = {}, echoOptions = {}) {
  const pusher = client(clientOptions);
  return new Echo({ broadcaster: 'pusher', client: pusher, ...echoOptions });
}

/** Remembers a client created elsewhere (e.g. by Echo) so run() disconnects it at the end. */
export function track(pusher) {
  clients.push(pusher);
  return pusher;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when {@code predicate()} is truthy, polling; rejects after {@code ms} naming {@code what}. */
export async function until(predicate, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = predicate();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(20);
  }
}

/** The next {@code event} on {@code bindable} (a pusher-js channel, connection, user or client). */
export function next(bindable, event, what, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bindable.unbind(event, handler);
      reject(new Error(`Timed out after ${ms} ms waiting for ${what} (event ${event})`));
    }, ms);
    function handler(data) {
      clearTimeout(timer);
      bindable.unbind(event, handler);
      resolve(data);
    }
    bindable.bind(event, handler);
  });
}

/** Every {@code event} on {@code bindable}, appended to the returned array as it arrives. */
export function record(bindable, event) {
  const seen = [];
  bindable.bind(event, (data) => seen.push(data));
  return seen;
}

/** Resolves with the socket id once {@code pusher} is connected. */
export async function connected(pusher, what = 'the connection', ms = 5000) {
  if (pusher.connection.state !== 'connected') {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `Timed out after ${ms} ms waiting for ${what} to connect; state ${pusher.connection.state}`)), ms);
      pusher.connection.bind('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return pusher.connection.socket_id;
}

/**
 * Subscribes and resolves with the pusher-js channel once the server confirmed; rejects with the
 * subscription error otherwise.
 */
export function subscribe(pusher, name, ms = 5000) {
  const channel = pusher.subscribe(name);
  return subscribed(channel, name, ms);
}

/** Resolves with {@code channel} once subscribed (at once if it already is). */
export function subscribed(channel, name = channel.name, ms = 5000) {
  if (channel.subscribed) {
    return Promise.resolve(channel);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for the subscription to ${name}`)), ms);
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve(channel);
    });
    channel.bind('pusher:subscription_error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Subscription to ${name} failed: ${JSON.stringify(error)}`));
    });
  });
}

/**
 * Runs a scenario: a hard timeout for the whole script, the observed object printed as the final
 * JSON line, every client disconnected, exit 0 on success and 1 with the failure on stderr.
 */
export function run(name, body) {
  const timeoutMs = Number(process.env.SCENARIO_TIMEOUT_MS || 20000);
  const timer = setTimeout(() => {
    finish(2, { scenario: name, ok: false, error: `hard timeout after ${timeoutMs} ms during: ${currentStep}` });
  }, timeoutMs);
  const observed = {};
  Promise.resolve()
    .then(() => body(observed))
    .then(
      () => finish(0, { scenario: name, ok: true, ...observed }),
      (e) => {
        console.error(`Scenario ${name} failed during: ${currentStep}`);
        console.error(e && e.stack ? e.stack : String(e));
        finish(1, { scenario: name, ok: false, step: currentStep, error: String(e && e.message ? e.message : e), ...observed });
      });

  function finish(status, line) {
    clearTimeout(timer);
    for (const pusher of clients) {
      try {
        pusher.disconnect();
      } catch (e) {
        // already gone
      }
    }
    if (status === 2) {
      console.error(line.error);
    }
    process.stdout.write(JSON.stringify(line) + '\n', () => process.exit(status));
  }
}
