package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * S3, throttled stream: {@link ThrottledStreamServer} appends {@code rate} lines/s into an output
 * buffer (or puts them into a conflating buffer) with a window of W ms on one public channel with
 * N subscribers. Staleness of a line = its receipt in a batch minus its scheduled append time
 * ({@code start + seq * period}, a schedule both sides know); both JVMs read the same
 * CLOCK_MONOTONIC (checked with the {@code clock} command before the run).
 */
final class ThrottledStream {

    private ThrottledStream() {
    }

    record Result(String target, String policy, int subscribers, int rate, int windowMs, long appended,
                  long measuredLines, long expectedLines, long receivedLines, long frames, double seconds,
                  long p50Micros, long p99Micros, long maxMicros, long encodes, double windows, long stepFrames,
                  int lastValueAt, double serverCpu, double producerCpu, double generatorCpu, long producerLagMicros) {

        double framesPerSecond() {
            return frames / seconds;
        }

        double linesPerSecond() {
            return receivedLines / seconds;
        }

        double encodesPerWindow() {
            return encodes / windows;
        }

        double framesPerSubscriber() {
            return (double) stepFrames / subscribers;
        }
    }

    static List<Result> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers);
        List<Result> results = new ArrayList<>();
        for (String spec : o.targets) {
            if (spec.equals("baseline")) {
                o.notes.add("tyrus-baseline skipped: the raw Tyrus loop has no output buffer");
                continue;
            }
            Target.Stream candidate = Target.Stream.of(spec, o.serverArgs);
            try (Target started = Run.start(o, candidate)) {
                if (started == null) {
                    continue;
                }
                if (started.isChild()) {
                    checkClock(candidate);
                }
                LoadGenerator.Config config = Run.config(o, started, o.subscribers)
                        .channels(i -> List.of(ThrottledStreamServer.CHANNEL)).allMarkers(true);
                try (LoadGenerator gen = Run.connect(o, started, config)) {
                    for (int rate : o.rates) {
                        for (String policy : o.policies) {
                            Result r = step(o, candidate, gen, policy, rate);
                            Run.log(o, String.format(Locale.ROOT, "%s %s %d/s: staleness p99 %s ms, %.2f encodes/window,"
                                    + " %.0f frames/s", r.target(), policy, rate, Table.ms(r.p99Micros()),
                                    r.encodesPerWindow(), r.framesPerSecond()));
                            results.add(r);
                        }
                    }
                }
            }
        }
        return results;
    }

    /** Both JVMs must read one clock: the child's nanoTime must fall between two of ours. */
    static void checkClock(Target target) throws Exception {
        long before = System.nanoTime();
        String reply = target.command("clock", 10);
        long after = System.nanoTime();
        long theirs = Long.parseLong(reply.split(" ")[1]);
        if (theirs < before || theirs > after) {
            throw new IllegalStateException("this scenario needs System.nanoTime() to be one clock for all processes"
                    + " (CLOCK_MONOTONIC on Linux), but " + target.name + "'s " + theirs + " is outside [" + before + ", "
                    + after + "]; run it with --in-process on this system");
        }
    }

    private static Result step(Run.Options o, Target.Stream target, LoadGenerator gen, String policy, int rate)
            throws Exception {
        long period = 1_000_000_000L / rate;
        long count = (long) rate * (o.warmup + o.seconds);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long measureStart = start + TimeUnit.SECONDS.toNanos(o.warmup);
        long measureEnd = start + TimeUnit.SECONDS.toNanos(o.warmup + o.seconds);
        // lines i with start + i * period in [measureStart, measureEnd)
        long measuredLines = ceilDiv(measureEnd - start, period) - ceilDiv(measureStart - start, period);
        gen.measure(measureStart, measureEnd, start, period);
        OptionalLong cpu0 = target.cpuNanos();
        OptionalLong gen0 = Run.selfCpu();
        long t0 = System.nanoTime();
        String reply = target.command(String.format(Locale.ROOT, "produce %s %d %d %d %d %d", policy, rate, start, count,
                o.windowMs, o.keys), o.warmup + o.seconds + 60);
        Map<String, Long> produced = fields(reply);
        long lastSeq = produced.get("lastSeq");
        boolean buffer = policy.equals("buffer");
        long expected = buffer ? measuredLines * o.subscribers : -1;
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (System.nanoTime() < graceEnd
                && (buffer ? gen.measuredReceived() < expected : gen.receivedUpTo(lastSeq) < o.subscribers)) {
            Thread.sleep(10);
        }
        long t1 = System.nanoTime();
        OptionalLong cpu1 = target.cpuNanos();
        OptionalLong gen1 = Run.selfCpu();
        double wall = (t1 - t0) / 1e9;
        double producingSeconds = produced.get("nanos") / 1e9;
        Histogram h = gen.histogram();
        return new Result(target.name, policy, o.subscribers, rate, o.windowMs, produced.get("appended"), measuredLines,
                expected, gen.measuredReceived(), gen.measuredFrames(), o.seconds, h.quantile(0.5), h.quantile(0.99),
                h.max(), produced.get("encodes"), producingSeconds * 1000 / o.windowMs, gen.stepFrames(),
                gen.receivedUpTo(lastSeq), Run.cpuShare(cpu0, cpu1, wall),
                target.isChild() ? produced.get("cpu") / 1e9 / producingSeconds : Double.NaN,
                Run.cpuShare(gen0, gen1, wall), produced.get("maxLagMicros"));
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static Map<String, Long> fields(String reply) {
        if (reply.contains(" error ")) {
            throw new IllegalStateException("stream server: " + reply);
        }
        Map<String, Long> f = new HashMap<>();
        for (String part : reply.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                f.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
            }
        }
        return f;
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S3 throttled stream: producer in the server JVM appends to"
                        + " buffer(channel, \"%s\").window(%d ms) (or conflate, %d keys), %d subscribers, %d s measured after"
                        + " %d s warm-up%s", ThrottledStreamServer.EVENT, o.windowMs, o.keys, o.subscribers, o.seconds,
                        o.warmup, o.inProcess ? " (in-process)" : ""),
                "target", "policy", "appends/s", "stale p50", "stale p99", "stale max", "frames/s", "lines/s",
                "lost", "encodes", "windows", "enc/window", "frames/sub", "last@subs", "srv CPU%", "producer%", "gen CPU%");
        for (Result r : results) {
            t.row(r.target(), r.policy(), r.rate(), Table.ms(r.p50Micros()), Table.ms(r.p99Micros()),
                    Table.ms(r.maxMicros()), Table.num(r.framesPerSecond()), Table.num(r.linesPerSecond()),
                    r.expectedLines() < 0 ? "n/a" : Long.toString(r.expectedLines() - r.receivedLines()),
                    r.encodes(), Table.num(r.windows()), Table.fmt(r.encodesPerWindow()), Table.fmt(r.framesPerSubscriber()),
                    r.lastValueAt() + "/" + r.subscribers(), Table.pct(r.serverCpu()), Table.pct(r.producerCpu()),
                    Table.pct(r.generatorCpu()));
        }
        t.footer("stale = scheduled append time of a line (value) -> receipt of the batch holding it, ms; lines/s and"
                + " frames/s summed over subscribers; windows = producing time / W; frames/sub = batches each subscriber"
                + " got (equals encodes when every batch reached everyone and was encoded once); last@subs = subscribers"
                + " that received the last line/value; srv CPU% = whole server process incl. producer;"
                + " producer% = the producer thread (appends and pacing). Targets: p99 <= W + 15 ms, 1.00 enc/window,"
                + " srv CPU <= 10%.");
        for (Result r : results) {
            t.footer(String.format(Locale.ROOT, "  %s %s: appended %d, measured lines %d, delivered %d, max producer lag %s ms",
                    r.target(), r.policy(), r.appended(), r.measuredLines(), r.receivedLines(),
                    Table.ms(r.producerLagMicros())));
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
