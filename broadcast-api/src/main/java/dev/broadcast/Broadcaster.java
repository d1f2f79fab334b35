package dev.broadcast;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Sends events to the browsers subscribed to their channels. Obtain one from a driver (in
 * {@code broadcast-core}: the hub in this JVM, any Pusher-compatible server over HTTP, a log, or
 * nothing) or use {@code FakeBroadcaster} in tests. Thread-safe.
 *
 * <p><b>Resolution happens at once.</b> {@link #broadcast(Object)} works out the event's name,
 * channels and JSON payload on the caller's thread; an event that is neither a
 * {@link ShouldBroadcast} nor annotated with {@link BroadcastOn}, an unresolvable placeholder or
 * a null channel throws {@link IllegalArgumentException} there, and nothing is sent.
 *
 * <p><b>Sending is queued by default.</b> The driver runs on the broadcaster's dispatcher (a bounded
 * queue drained in order); the caller never waits for a socket or a server. A failure completes the
 * returned stage exceptionally with a {@link BroadcastException} and is logged with the event name;
 * it is never thrown at the caller. {@link ShouldBroadcastNow} and {@link BroadcastNow} events, and
 * {@link PendingBroadcast#sendNow()}, send on the caller's thread instead.
 *
 * <p>An event whose {@link ShouldBroadcast#broadcastWhen()} is false is not sent; its stage
 * completes with a receipt for no channels.
 *
 * <p>{@link #notify(Object, Object)} sends a notification to a user the way Laravel's broadcast
 * notification channel does, so that laravel-echo's {@code .notification(callback)} receives it.
 */
public interface Broadcaster {

    /**
     * The event name of every {@link #notify(Object, Object) notification}, as Laravel sends it and
     * laravel-echo's {@code echo.private(channel).notification(callback)} listens for it:
     * {@code Illuminate\Notifications\Events\BroadcastNotificationCreated} (one backslash
     * between the parts on the wire).
     */
    String NOTIFICATION_EVENT = "Illuminate\\Notifications\\Events\\BroadcastNotificationCreated";

    /**
     * Broadcasts an event object: a {@link ShouldBroadcast} or a class annotated with
     * {@link BroadcastOn}.
     *
     * @throws IllegalArgumentException if the event cannot be resolved (see above)
     */
    CompletionStage<BroadcastReceipt> broadcast(Object event);

    /**
     * A view of this broadcaster that leaves out the connection {@code socketId}, usually the
     * sender's own (from the {@code X-Socket-ID} header Echo adds), as Laravel's {@code toOthers()}.
     * A null {@code socketId} (a request without the header) leaves out nobody, so
     * {@code broadcaster.toOthers(socketIdOf(request))} needs no null check.
     *
     * @throws IllegalArgumentException if {@code socketId} is not null and not of the form {@code 1234.5678}
     */
    Broadcaster toOthers(String socketId);

    /**
     * Sends {@code notification} to {@code user}, as Laravel's {@code $user->notify(...)} does
     * through its broadcast channel: an event named {@link #NOTIFICATION_EVENT} on the user's
     * private notification channel, which laravel-echo receives with
     * {@code echo.private('App.Models.User.' + id).notification(callback)}.
     *
     * <p><b>The channel</b> is {@code private-} followed by the broadcaster's notification channel
     * template resolved against {@code user}; the template is {@code App.Models.User.{id}} unless
     * the broadcaster was configured with another, which is what Echo assumes for Laravel's default
     * user model. Its placeholders are read from {@code user} exactly as {@link BroadcastOn}
     * placeholders are read from an event: a record component, a getter ({@code getId()}), an
     * is-getter of a boolean, a public no-argument method ({@code id()}) or a public field; dotted
     * paths ({@code {team.id}}) walk through nested values. A user given as a {@link CharSequence},
     * a {@link Number} or a {@link java.util.UUID} is the id itself: every placeholder resolves to
     * its {@code toString()}, so {@code broadcaster.notify(42L, notification)} sends on
     * {@code private-App.Models.User.42}.
     *
     * <p><b>The payload</b> is {@code notification} serialized to JSON like any payload (records,
     * beans and maps; Java time types as ISO-8601 strings), which must give a JSON object, with two
     * members added after its own, as Laravel adds them:
     * <ul>
     *   <li>{@code "id"}: a random UUID string, unless the notification's JSON has a non-null
     *       {@code id} already, which is kept (Laravel keeps a notification's own id);</li>
     *   <li>{@code "type"}: the notification's class name, {@code notification.getClass().getName()},
     *       unless its JSON has a non-null {@code type} already, which is kept (that is how a Java
     *       application sets what Laravel's {@code broadcastType()} would).</li>
     * </ul>
     * For example a {@code record InvoicePaid(long invoiceId, BigDecimal amount)} sends
     * {@code {"invoiceId":7,"amount":12.5,"id":"4f1c…","type":"com.example.InvoicePaid"}}.
     *
     * <p><b>Sending</b> is queued like {@link #broadcast(Object)}: the caller never waits, and a
     * failure (a payload over the app's size limit, say) completes the stage exceptionally with a
     * {@link BroadcastException} and is logged, never thrown. A {@link #toOthers(String)} view
     * leaves out its connection. The notification object itself is not sent anywhere else.
     *
     * @param user         the recipient: an object with the template's properties, or its id
     * @param notification the notification: anything that serializes to a JSON object
     * @return the receipt of the broadcast, on the user's channel
     * @throws NullPointerException if {@code user} or {@code notification} is null
     * @throws IllegalArgumentException on the caller's thread, with nothing sent, if a placeholder
     *         of the template cannot be read from {@code user} (the message names the property and
     *         the user's class) or is null, if the resolved channel name is not a valid one, or if
     *         {@code notification} cannot be serialized or does not serialize to a JSON object
     *         (a string, a number, a list...)
     */
    CompletionStage<BroadcastReceipt> notify(Object user, Object notification);

    /** Starts an anonymous broadcast, with no event class, on {@code channels}. */
    PendingBroadcast on(Collection<? extends Channel> channels);

    /** Starts an anonymous broadcast on {@code channels}. */
    default PendingBroadcast on(Channel... channels) {
        return on(List.of(channels));
    }

    /**
     * A new throttled buffer that sends the lines appended to it as batch events named
     * {@code event} on {@code channel}, at most one per window (100 ms by default) with payload
     * {@code {"lines":[...],"dropped":n}}; see {@link OutputBuffer} for ordering, the bound,
     * priority lines and close. Each call makes an independent buffer; batches go through this
     * broadcaster's queued path, and a buffer from a {@link #toOthers(String)} view leaves out the
     * same connection.
     *
     * @throws NullPointerException if {@code channel} or {@code event} is null
     * @throws IllegalArgumentException if {@code event} is empty or longer than 200 characters
     * @throws IllegalStateException if this broadcaster is closed
     */
    OutputBuffer buffer(Channel channel, String event);

    /**
     * A new conflating buffer that sends the latest value of each key put into it as events named
     * {@code event} on {@code channel}, at most one per window (100 ms by default) with payload
     * {@code {"values":{key:value,...}}}; see {@link ConflatingBuffer}. Each call makes an
     * independent buffer; events go through this broadcaster's queued path, and a buffer from a
     * {@link #toOthers(String)} view leaves out the same connection.
     *
     * @throws NullPointerException if {@code channel} or {@code event} is null
     * @throws IllegalArgumentException if {@code event} is empty or longer than 200 characters
     * @throws IllegalStateException if this broadcaster is closed
     */
    ConflatingBuffer conflate(Channel channel, String event);
}
