// Scenario N1: Laravel notifications sent from Java with broadcaster.notify(user, notification).
// Echo signs in as user 42 through the host application's /broadcasting/auth (the route
// App.Models.User.{id} lets each user have their own channel only) and listens as a Laravel page
// does, with echo.private('App.Models.User.42').notification(callback); user 7 does the same on
// his channel, and is refused user 42's. The JUnit side (asked with @notify) sends an InvoicePaid
// to user 42 and another to user 7, then a marker on both channels. Each .notification() callback
// gets its own invoice with Laravel's payload shape, {...data, id: <uuid>, type: <class name>},
// and nothing else: on the wire the event is Illuminate\Notifications\Events\BroadcastNotificationCreated.
//
// Environment besides lib.mjs's: AUTH_ENDPOINT, the host application's channel authorization URL,
// which reads the signed-in user from the X-Test-User header.
import { assert, ask, Echo, echoConnection, run, step, subscribed, track, until } from './lib.mjs';

const NOTIFICATION_EVENT = 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const authEndpoint = process.env.AUTH_ENDPOINT;
if (!authEndpoint) {
  console.error('Missing environment variable AUTH_ENDPOINT; this script is run by NotificationsConformanceTest');
  process.exit(3);
}

/** Echo as a Laravel page configures it, signed in to the host application as {@code user}. */
function echoAs(user) {
  const echo = new Echo({ ...echoConnection(), authEndpoint, auth: { headers: { 'X-Test-User': user } } });
  track(echo.connector.pusher);
  return echo;
}

/** Every event but pusher's own on {@code channel}, with its name as pusher-js received it. */
function wire(pusher, channel) {
  const seen = [];
  pusher.channel(channel).bind_global((event, data) => {
    if (!event.startsWith('pusher:') && !event.startsWith('pusher_internal:')) {
      seen.push({ event, data });
    }
  });
  return seen;
}

run('notifications', async (observed) => {
  const ann = echoAs('42');
  const bob = echoAs('7');

  step('user 42 and user 7 listen for their notifications');
  const onAnn = { notifications: [], markers: [] };
  const onBob = { notifications: [], markers: [], refused: [] };
  ann.private('App.Models.User.42')
    .notification((notification) => onAnn.notifications.push(notification))
    .listen('.marker', (data) => onAnn.markers.push(data));
  bob.private('App.Models.User.7')
    .notification((notification) => onBob.notifications.push(notification))
    .listen('.marker', (data) => onBob.markers.push(data));
  bob.private('App.Models.User.42').error((e) => onBob.refused.push(e));
  await subscribed(ann.connector.pusher.channel('private-App.Models.User.42'));
  await subscribed(bob.connector.pusher.channel('private-App.Models.User.7'));
  await until(() => onBob.refused.length === 1, "the refusal of user 42's channel to user 7");
  assert.equal(onBob.refused[0].status, 403, JSON.stringify(onBob.refused[0]));
  const annWire = wire(ann.connector.pusher, 'private-App.Models.User.42');
  const bobWire = wire(bob.connector.pusher, 'private-App.Models.User.7');

  step('the test notifies user 42 and user 7');
  const sent = JSON.parse(await ask('notify'));
  observed.sent = sent;
  await until(() => onAnn.markers.length === 1 && onBob.markers.length === 1, 'the markers after the notifications');

  step("each .notification() callback got its own invoice, in Laravel's shape");
  observed.ann = onAnn.notifications;
  observed.bob = onBob.notifications;
  observed.annWire = annWire.map((e) => e.event);
  observed.bobWire = bobWire.map((e) => e.event);
  assert.equal(onAnn.notifications.length, 1, JSON.stringify(onAnn.notifications));
  assert.equal(onBob.notifications.length, 1, JSON.stringify(onBob.notifications));
  const [toAnn] = onAnn.notifications;
  const [toBob] = onBob.notifications;
  assert.deepEqual(Object.keys(toAnn), ['invoiceId', 'amount', 'currency', 'id', 'type']);
  assert.match(toAnn.id, UUID);
  assert.deepEqual(toAnn, { invoiceId: 1001, amount: 99.5, currency: 'EUR', id: toAnn.id, type: sent.type });
  assert.match(toBob.id, UUID);
  assert.deepEqual(toBob, { invoiceId: 2002, amount: 12, currency: 'EUR', id: toBob.id, type: sent.type });
  assert.notEqual(toAnn.id, toBob.id);
  assert.deepEqual(observed.annWire, [NOTIFICATION_EVENT, 'marker'], 'the event name on the wire, then the marker');
  assert.deepEqual(observed.bobWire, [NOTIFICATION_EVENT, 'marker']);
});
