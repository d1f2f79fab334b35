package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.internal.engine.ClientConnection;
import dev.broadcast.core.internal.engine.RegistryAccess;
import dev.broadcast.core.transport.Connection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Subscribe + unsubscribe of one connection to and from a public channel that already has
 * {@code subscribers} other subscribers. One operation is the pair (two registry changes), so the
 * channel alternates between N and N + 1 subscribers. With 2 threads each thread has its own
 * connection and both change the same channel.
 *
 * <ul>
 *   <li>{@code messages*}: through the engine, as a client does it: a {@code pusher:subscribe} and a
 *       {@code pusher:unsubscribe} message into {@link Connection#receive} (JSON parse, channel
 *       name check, the connection's own subscription map, the registry, and the
 *       {@code subscription_succeeded} frame written to a transport that completes at once).</li>
 *   <li>{@code registry*}: the channel registry alone ({@code ChannelRegistry.subscribe} and
 *       {@code unsubscribe}, which include encoding and queueing {@code subscription_succeeded}),
 *       reached through {@link RegistryAccess}, which sits in the registry's package.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RegistryBenchmark {

    static final String CHANNEL = "room";
    static final String SUBSCRIBE = BenchHub.subscribeMessage(CHANNEL);
    static final String UNSUBSCRIBE = BenchHub.unsubscribeMessage(CHANNEL);

    /** The hub and the channel with its existing subscribers, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Channel {

        @Param({"1000", "10000"})
        public int subscribers;

        BroadcastHub hub;
        Object registry;

        @Setup(Level.Trial)
        public void setUp() {
            hub = BenchHub.hub();
            BenchHub.subscribers(hub, CHANNEL, subscribers);
            registry = RegistryAccess.registry((ClientConnection) BenchHub.connect(hub, new NoopTransport()));
        }

        /** Every pair must have undone itself. */
        @TearDown(Level.Trial)
        public void tearDown() {
            int now = hub.stats().subscriptions();
            // The hub is not closed: the fork ends after the trial and the hub runs nothing in the
            // background. Closing it would unsubscribe the channel's connections one by one, each
            // copying the remaining subscriber array (O(n^2), ~200 MB at 10k), and JMH's gc profiler
            // would count that in the last iteration.
            if (now != subscribers) {
                throw new IllegalStateException("channel has " + now + " subscriptions, expected " + subscribers);
            }
        }
    }

    /** One thread's own connection, the one it subscribes and unsubscribes. */
    @State(Scope.Thread)
    public static class Client {

        NoopTransport transport;
        Connection connection;
        ClientConnection internal;

        @Setup(Level.Trial)
        public void setUp(Channel channel) {
            transport = new NoopTransport();
            connection = BenchHub.connect(channel.hub, transport);
            internal = (ClientConnection) connection;
        }

        /**
         * After each iteration: still open, and it was written {@code subscription_succeeded}
         * frames, so the subscribes really happened. (Per iteration, not per trial: the hub may
         * already be closed when the trial's teardowns run.)
         */
        @TearDown(Level.Iteration)
        public void check() {
            if (transport.closed || !connection.isOpen() || transport.sent < 2) {
                throw new IllegalStateException("client closed or never subscribed: " + transport.sent + " frames");
            }
        }
    }

    private static void messages(Client client) {
        client.connection.receive(SUBSCRIBE);
        client.connection.receive(UNSUBSCRIBE);
    }

    private static void registry(Channel channel, Client client, Blackhole blackhole) {
        blackhole.consume(RegistryAccess.subscribe(channel.registry, CHANNEL, client.internal));
        blackhole.consume(RegistryAccess.unsubscribe(channel.registry, CHANNEL, client.internal));
    }

    @Benchmark
    @Threads(1)
    public void messages1Thread(Client client) {
        messages(client);
    }

    @Benchmark
    @Threads(2)
    public void messages2Threads(Client client) {
        messages(client);
    }

    @Benchmark
    @Threads(1)
    public void registry1Thread(Channel channel, Client client, Blackhole blackhole) {
        registry(channel, client, blackhole);
    }

    @Benchmark
    @Threads(2)
    public void registry2Threads(Channel channel, Client client, Blackhole blackhole) {
        registry(channel, client, blackhole);
    }
}
