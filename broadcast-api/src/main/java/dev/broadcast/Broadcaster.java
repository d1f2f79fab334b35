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
 */
public interface Broadcaster {

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
