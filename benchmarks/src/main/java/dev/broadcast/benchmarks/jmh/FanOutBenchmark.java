package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.BroadcastHub;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One {@link BroadcastHub#trigger} to a public channel with 10,000 subscribers whose transports
 * complete every write at once. Reported per delivery ({@code @OperationsPerInvocation}), so the
 * score is the cost of handing an already-encoded frame to one connection (the one encode per
 * trigger is spread over the 10,000) and {@code -prof gc}'s {@code gc.alloc.rate.norm} is the
 * bytes allocated per delivery.
 *
 * <p>Per delivery the engine iterates the channel's subscriber snapshot (no lock), queues the frame
 * on the connection's bounded outbound queue, counts it, and drains it to the transport.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class FanOutBenchmark {

    static final int SUBSCRIBERS = 10_000;

    /**
     * {@code inlined}: the transport's {@code send} may be inlined, as it would be for one
     * monomorphic adapter whose write completes at once; {@code opaque}: never inlined, so the
     * per-write completion callback escapes, as with a container that completes later.
     */
    @Param({"inlined", "opaque"})
    public String transport;

    private final String channel = "fanout";
    private List<String> channels = List.of(channel);
    private String event = "order-shipped";
    private String data;
    private BroadcastHub hub;
    private List<NoopTransport> transports;
    private long invocations;

    @Setup(Level.Trial)
    public void setUp() {
        data = BenchHub.data("plain");
        hub = BenchHub.hub();
        transports = BenchHub.subscribers(hub, channel, SUBSCRIBERS, transport);
    }

    /** Every subscriber must have been written every frame; none closed as a slow consumer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (NoopTransport transport : transports) {
            if (transport.closed) {
                throw new IllegalStateException("a subscriber was closed");
            }
            min = Math.min(min, transport.sent);
            max = Math.max(max, transport.sent);
        }
        // connection_established + subscription_succeeded, then one frame per invocation
        if (min != max || min != 2 + invocations) {
            throw new IllegalStateException("frames written per subscriber: " + min + ".." + max
                    + ", expected " + (2 + invocations));
        }
        // The hub is not closed: the fork ends after the trial and the hub runs nothing in the
        // background. Closing it would unsubscribe the channel's connections one by one, each
        // copying the remaining subscriber array (O(n^2), ~200 MB at 10k), and JMH's gc profiler
        // would count that in the last iteration.
    }

    @Benchmark
    @OperationsPerInvocation(SUBSCRIBERS)
    public int trigger() {
        invocations++;
        return hub.trigger(BenchHub.APP_ID, channels, event, data, null);
    }
}
