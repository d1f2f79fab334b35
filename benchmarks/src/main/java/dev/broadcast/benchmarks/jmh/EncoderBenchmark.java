package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.wire.Json;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encoding one Pusher event frame, {@code {"event":…,"channel":…,"data":"…"}} with 100 bytes of
 * data, as the engine does once per channel of every trigger ({@code AppRuntime.trigger}, reached
 * from both {@link BroadcastHub#trigger} and the HTTP API, calls {@link Frames#event}).
 *
 * <ul>
 *   <li>{@code encodeEvent}: {@link Frames#event} alone, the encoder itself.</li>
 *   <li>{@code triggerUnoccupied}: {@link BroadcastHub#trigger} to a channel nobody is subscribed
 *       to: the public API's limit checks, the encode and the channel lookup, no delivery.</li>
 * </ul>
 *
 * Run with {@code -prof gc} for bytes allocated per operation ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncoderBenchmark {

    /** {@code plain}: nothing to escape; {@code json}: a JSON object string, 16 quotes to escape. */
    @Param({"plain", "json"})
    public String data;

    private String dataText;
    private String event = "order-shipped";
    private String channel = "orders";
    private List<String> channels = List.of(channel);
    private BroadcastHub hub;

    @Setup
    public void setUp() throws IOException {
        dataText = BenchHub.data(data);
        hub = BenchHub.hub();
        // the frame must decode back to what went in
        var frame = Json.parse(Frames.event(event, channel, dataText).text());
        if (!dataText.equals(Json.text(frame, "data")) || !channel.equals(Json.text(frame, "channel"))
                || !event.equals(Json.text(frame, "event"))) {
            throw new IllegalStateException("frame does not round-trip: " + frame);
        }
    }

    @TearDown
    public void tearDown() {
        hub.close();
    }

    @Benchmark
    public Frame encodeEvent() {
        return Frames.event(event, channel, dataText);
    }

    @Benchmark
    public int triggerUnoccupied() {
        return hub.trigger(BenchHub.APP_ID, channels, event, dataText, null);
    }
}
