package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A hub with one app and no background work, and helpers to fill it with connections. */
final class BenchHub {

    static final String APP_ID = "bench";
    static final String APP_KEY = "bench-key";
    static final String APP_SECRET = "bench-secret";

    /** Never runs anything: no heartbeat sweep over the connections while a benchmark measures. */
    private static final Scheduler IDLE = new Scheduler() {
        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            return () -> { };
        }

        @Override
        public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
            return () -> { };
        }
    };

    private BenchHub() {
    }

    static BroadcastHub hub() {
        return BroadcastHub.builder()
                .app(App.builder(APP_ID, APP_KEY, APP_SECRET).build())
                .scheduler(IDLE)
                .build();
    }

    /** Opens a connection whose writes complete at once. */
    static Connection connect(BroadcastHub hub, NoopTransport transport) {
        Connection connection = hub.connect(new ConnectRequest(APP_KEY, "7", null), transport);
        if (!connection.isOpen()) {
            throw new IllegalStateException("connect refused");
        }
        return connection;
    }

    /** The {@code pusher:subscribe} message a client sends for a public channel. */
    static String subscribeMessage(String channel) {
        return "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}";
    }

    static String unsubscribeMessage(String channel) {
        return "{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"" + channel + "\"}}";
    }

    /** Opens {@code count} connections and subscribes each to {@code channel} with a real message. */
    static List<NoopTransport> subscribers(BroadcastHub hub, String channel, int count) {
        return subscribers(hub, channel, count, "inlined");
    }

    /** The same with {@link NoopTransport#of transports of a kind}. */
    static List<NoopTransport> subscribers(BroadcastHub hub, String channel, int count, String transportKind) {
        List<NoopTransport> transports = new ArrayList<>(count);
        String subscribe = subscribeMessage(channel);
        for (int i = 0; i < count; i++) {
            NoopTransport transport = NoopTransport.of(transportKind);
            connect(hub, transport).receive(subscribe);
            transports.add(transport);
        }
        int subscribed = hub.stats().subscriptions();
        if (subscribed != count) {
            throw new IllegalStateException("expected " + count + " subscriptions, have " + subscribed);
        }
        return transports;
    }

    /**
     * A 100-byte event {@code data} string: {@code plain} needs no JSON escaping; {@code json} is a
     * JSON object as Laravel and most server SDKs send it, so its 16 quotes are escaped on encode.
     */
    static String data(String kind) {
        String data = switch (kind) {
            case "plain" -> "Order 1234567 shipped to warehouse 42 at 2026-11-22 10:15:00 UTC; carrier ACME; tracking number: ok.";
            case "json" -> "{\"id\":1234567,\"user\":\"alice\",\"status\":\"shipped\",\"note\":\"warehouse 42, ACME Corp\",\"ts\":1795342500123}";
            default -> throw new IllegalArgumentException(kind);
        };
        if (data.length() != 100) {
            throw new IllegalStateException(kind + " data is " + data.length() + " bytes, not 100");
        }
        return data;
    }
}
