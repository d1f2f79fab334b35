package dev.broadcast.core;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.internal.LocalDriver;
import dev.broadcast.core.internal.LogDriver;
import dev.broadcast.core.internal.NullDriver;
import dev.broadcast.core.internal.PartialDelivery;
import dev.broadcast.core.internal.PusherDriver;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link DriverBroadcaster} sends {@link ResolvedBroadcast resolved broadcasts}: the hub
 * in this JVM ({@link #local}), a Pusher-compatible server over HTTP ({@link #pusher}), a log
 * ({@link #log}), nothing ({@link #none}), or a recorder in tests. Implement this interface for
 * anything else, and give it to {@link Broadcasters#builder(BroadcastDriver)}.
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
    BroadcastReceipt deliver(ResolvedBroadcast broadcast);

    /**
     * Sends broadcasts that were waiting in the dispatcher's queue together (up to 100), in order,
     * returning one receipt per broadcast in the same order. A driver that can send several in one
     * request overrides this (the Pusher driver uses {@code batch_events}).
     *
     * <p>Failure: throwing any exception reports every broadcast of the list as failed with it.
     * The default delivers them one at a time with {@link #deliver}, goes on past a failure, and
     * reports each broadcast's own outcome.
     *
     * @throws BroadcastException if a broadcast of the list could not be sent
     */
    default List<BroadcastReceipt> deliverAll(List<ResolvedBroadcast> broadcasts) {
        List<Object> outcomes = new ArrayList<>(broadcasts.size());
        boolean failed = false;
        for (ResolvedBroadcast broadcast : broadcasts) {
            try {
                outcomes.add(deliver(broadcast));
            } catch (RuntimeException e) {
                outcomes.add(e);
                failed = true;
            }
        }
        if (failed) {
            throw new PartialDelivery(outcomes);
        }
        return outcomes.stream().map(BroadcastReceipt.class::cast).toList();
    }

    /** Releases what the driver holds; called once by {@link DriverBroadcaster#close()}. Nothing by default. */
    @Override
    default void close() {
    }

    /**
     * Sends to the subscribers of {@code hub}'s app {@code appId}, in this JVM, through
     * {@link BroadcastHub#trigger}. Receipts count the connections reached. Refuses encrypted
     * channels (the hub relays payloads as given and this driver holds no encryption key) and
     * anything the app's {@link Limits} refuse, with a {@link BroadcastException}. Closing the
     * driver leaves the hub running: it belongs to the caller.
     *
     * @throws IllegalArgumentException if the hub hosts no app {@code appId}
     */
    static BroadcastDriver local(BroadcastHub hub, String appId) {
        return new LocalDriver(Objects.requireNonNull(hub, "hub"), Objects.requireNonNull(appId, "appId"));
    }

    /**
     * Sends through the Pusher HTTP API of any Pusher-compatible server: this project's
     * standalone server, Laravel Reverb, soketi, or Pusher itself
     * ({@code https://api-{cluster}.pusher.com}). Each request is a signed
     * {@code POST {baseUrl}/apps/{appId}/events} over HTTP/1.1 (5 s to connect, 10 s to answer);
     * broadcasts on more than 100 channels are split over several requests, and single-channel
     * broadcasts waiting together in the dispatcher go out as {@code batch_events} of at most 10.
     * Any answer but 200 is a {@link BroadcastException} with the status and the server's body.
     * Receipts cannot count connections. Encrypted channels are refused: this driver holds no
     * encryption master key.
     *
     * @param baseUrl where the API is served, e.g. {@code http://127.0.0.1:8080}; a path prefix
     *                ({@code https://example.com/ws}) is kept
     * @throws IllegalArgumentException if the URL is not http(s) with a host, or a credential is empty
     */
    static BroadcastDriver pusher(URI baseUrl, String appId, String key, String secret) {
        return new PusherDriver(Objects.requireNonNull(baseUrl, "baseUrl"), appId, key, secret, InstantSource.system());
    }

    /**
     * Logs each broadcast at INFO (event name, channels, payload size in bytes, the excluded socket)
     * under the logger {@code dev.broadcast.core.internal.LogDriver}, and sends nothing. The payload
     * itself is never logged.
     */
    static BroadcastDriver log() {
        return new LogDriver();
    }

    /** Sends nothing and logs nothing; every broadcast succeeds. */
    static BroadcastDriver none() {
        return new NullDriver();
    }
}
