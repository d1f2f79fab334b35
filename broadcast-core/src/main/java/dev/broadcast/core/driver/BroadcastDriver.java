package dev.broadcast.core.driver;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a {@link dev.broadcast.core.DispatchingBroadcaster} sends {@link ResolvedBroadcast resolved
 * broadcasts}: the hub in this JVM, a Pusher-compatible server over HTTP, a log, nothing (all made
 * by {@link dev.broadcast.core.Broadcasters}), or a recorder in tests. Implement this interface for
 * anything else, and give it to {@link dev.broadcast.core.Broadcasters#builder(BroadcastDriver)}.
 *
 * <p>A driver is called from one thread at a time per broadcaster for queued sends (the
 * dispatcher), and from callers' threads for sends that are {@link ResolvedBroadcast#now() now};
 * so it must be thread-safe. It never sees an invalid event: names, channels and payloads were
 * checked when the broadcast was resolved.
 */
public interface BroadcastDriver extends AutoCloseable {

    /**
     * Sends one broadcast and returns once it was handed over (to the hub's subscriber queues, or
     * accepted by the server). Does not retry.
     *
     * @return what the broadcast did; {@link BroadcastReceipt#connections()} is empty unless the
     *         driver can count the connections reached
     * @throws BroadcastException if it could not be sent, with a message that says why (a status
     *         and body, an unreachable host) but never the payload or a secret
     */
    BroadcastReceipt send(ResolvedBroadcast broadcast);

    /**
     * Sends broadcasts that were waiting in the dispatcher's queue together (up to 100), in order,
     * returning one receipt per broadcast in the same order. A driver that can send several in one
     * request overrides this (the Pusher driver uses {@code batch_events}).
     *
     * <p>Failure: throwing any exception reports every broadcast of the list as failed with it.
     * The default sends them one at a time with {@link #send}, goes on past a failure, and
     * reports each broadcast's own outcome.
     *
     * @throws BroadcastException if a broadcast of the list could not be sent
     */
    default List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
        List<Object> outcomes = new ArrayList<>(broadcasts.size());
        boolean failed = false;
        for (ResolvedBroadcast broadcast : broadcasts) {
            try {
                outcomes.add(send(broadcast));
            } catch (RuntimeException e) {
                outcomes.add(e);
                failed = true;
            }
        }
        if (failed) {
            throw new PartialFailure(outcomes);
        }
        return outcomes.stream().map(BroadcastReceipt.class::cast).toList();
    }

    /**
     * Releases what the driver holds; called once by
     * {@link dev.broadcast.core.DispatchingBroadcaster#close()}. Nothing by default.
     */
    @Override
    default void close() {
    }
}
