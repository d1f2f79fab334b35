package dev.broadcast.benchmarks;

import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.internal.broadcasting.ThrottledBuffer;
import dev.broadcast.server.BroadcastServer;
import dev.broadcast.server.ServerOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * S3's server: the standalone broadcast server (same options as the jar, including
 * {@code --transport}) plus, in the same JVM, a producer that appends to
 * {@code Broadcasters.local(hub, app).buffer(Channel.of("stream"), "agent.output")}
 * with a window, or puts into a {@code conflate(...)} buffer, as an application embedding the
 * library would.
 *
 * <p>The producer follows an exact open-loop schedule: line {@code i} is due at
 * {@code start + i * period} ({@code period = 1 s / rate}); it wakes about once per millisecond and
 * appends what is due. A line is just {@code ~S<i>~}: its creation time is implied by the schedule,
 * which the load generator is given too ({@link LoadGenerator#measure(long, long, long, long)}).
 * Lines are kept that small on purpose: a batch is one event, and the hub refuses event data over
 * the app's {@code maxEventDataBytes} (10 KiB), so 500 lines per 50 ms window must stay under about
 * 20 bytes each. {@code start} comes from the load generator: both JVMs read
 * {@code System.nanoTime()}, which on Linux is CLOCK_MONOTONIC, one clock for every process of the
 * machine; the {@code clock} command lets the caller check that before trusting it.
 *
 * <p>Commands, one per stdin line, each answered by one stdout line starting with the same word:
 * <pre>
 * clock                                        → clock &lt;nanoTime&gt;
 * produce buffer|conflate RATE START COUNT WINDOW_MS KEYS
 *                                              → produce appended=… encodes=… nanos=… cpu=… lastSeq=… maxLagMicros=…
 * quit
 * </pre>
 */
public final class ThrottledStreamServer implements AutoCloseable {

    static final String CHANNEL = "stream";
    static final String EVENT = "agent.output";

    private final BroadcastServer server;
    private final DispatchingBroadcaster broadcaster;

    private ThrottledStreamServer(BroadcastServer server, DispatchingBroadcaster broadcaster) {
        this.server = server;
        this.broadcaster = broadcaster;
    }

    /** Starts the server with the jar's options (the first app hosts the stream). */
    static ThrottledStreamServer start(String[] args) throws IOException {
        ServerOptions options = ServerOptions.parse(args, Map.of());
        BroadcastServer server = BroadcastServer.start(options);
        return new ThrottledStreamServer(server, Broadcasters.local(server.hub(), options.apps().get(0).id()));
    }

    int port() {
        return server.port();
    }

    /** One command line; returns the reply line. */
    String handle(String line) {
        String[] w = line.trim().split("\\s+");
        switch (w[0]) {
            case "clock" -> {
                return "clock " + System.nanoTime();
            }
            case "produce" -> {
                return produce(w[1], Integer.parseInt(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4]),
                        Integer.parseInt(w[5]), Integer.parseInt(w[6]));
            }
            default -> {
                return "error unknown command " + w[0];
            }
        }
    }

    /**
     * Appends {@code count} lines at {@code rate}/s from {@code start} (a nanoTime), then waits for
     * the last window to end on its own, so that every batch is one the window produced.
     */
    String produce(String policy, int rate, long start, long count, int windowMs, int keys) {
        Duration window = Duration.ofMillis(windowMs);
        Channel channel = Channel.of(CHANNEL);
        OutputBuffer buffer = null;
        ConflatingBuffer conflating = null;
        ThrottledBuffer counted;
        if (policy.equals("buffer")) {
            // the bound is twice what one window holds, so a drop means a real stall, not the setting
            buffer = broadcaster.buffer(channel, EVENT).window(window)
                    .maxLines((int) Math.max(OutputBuffer.DEFAULT_MAX_LINES, 2L * rate * windowMs / 1000));
            counted = (ThrottledBuffer) buffer;
        } else if (policy.equals("conflate")) {
            conflating = broadcaster.conflate(channel, EVENT).window(window);
            counted = (ThrottledBuffer) conflating;
        } else {
            return "produce error unknown policy " + policy;
        }
        String[] keyNames = new String[Math.max(1, keys)];
        for (int k = 0; k < keyNames.length; k++) {
            keyNames[k] = "k" + k;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long period = 1_000_000_000L / rate;
        long maxLag = 0;
        long next = 0;
        StringBuilder line = new StringBuilder(16);
        while (next < count) {
            long now = System.nanoTime();
            long due = Math.min(count, now < start ? 0 : (now - start) / period + 1);
            for (; next < due; next++) {
                long scheduled = start + next * period;
                maxLag = Math.max(maxLag, now - scheduled);
                line.setLength(0);
                line.append("~S").append(next).append('~');
                if (buffer != null) {
                    buffer.append(line.toString());
                } else {
                    conflating.put(keyNames[(int) (next % keyNames.length)], line.toString());
                }
            }
            if (next < count) {
                long wake = Math.max(start + next * period, System.nanoTime() + 1_000_000L);
                LockSupport.parkNanos(wake - System.nanoTime());
            }
        }
        long end = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        LockSupport.parkNanos(window.toNanos() + 30_000_000L); // the last window ends by its timer
        long encodes = counted.encodes();
        if (buffer != null) {
            buffer.close();
        } else {
            conflating.close();
        }
        return String.format(Locale.ROOT, "produce appended=%d encodes=%d nanos=%d cpu=%d lastSeq=%d maxLagMicros=%d",
                count, encodes, end - start, cpu, count - 1, maxLag / 1000);
    }

    @Override
    public void close() {
        broadcaster.close();
        server.close();
    }

    public static void main(String[] args) throws Exception {
        ThrottledStreamServer s;
        try {
            s = start(args);
        } catch (IllegalArgumentException e) {
            System.out.println("error " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("listening " + s.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
            if (line.isBlank()) {
                continue;
            }
            String reply;
            try {
                reply = s.handle(line);
            } catch (RuntimeException e) {
                reply = line.trim().split("\\s+")[0] + " error " + e;
            }
            System.out.println(reply);
        }
        s.close();
        System.exit(0);
    }
}
