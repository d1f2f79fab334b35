package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a scenario of docs/performance.md against the standalone server and the raw Tyrus baseline
 * in the same run and prints one table. Only S1 exists so far.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.broadcast.benchmarks.Run S1 --subscribers 1000 --rate 100,1000 --seconds 10</pre>
 */
public final class Run {

    /** Options; see {@link #usage()}. */
    static final class Options {
        String scenario = "S1";
        int subscribers = 1000;
        int[] rates = {100};
        int seconds = 10;
        int warmup = 3;
        int grace = 5;
        List<String> targets = List.of("server", "baseline");
        String serverJar = "broadcast-server/target/broadcast-server.jar";
        String heap = "1g";
        String pinServer;
        boolean inProcess;
        boolean measureHeap = true;
        boolean quiet;
    }

    /** One (target, rate) step. */
    record Result(String target, int subscribers, int rate, long published, long expected, long received,
                  double seconds, long p50Micros, long p99Micros, long maxMicros, long minPerReceiver,
                  long maxPerReceiver, double serverCpu, double generatorCpu, double heapPerConnection,
                  double connectSeconds, long publishLagMaxMicros) {

        long loss() {
            return expected - received;
        }

        double deliveriesPerSecond() {
            return received / seconds;
        }

        /** Deliveries per second of server CPU; NaN when CPU was not measured. */
        double perCoreSecond() {
            return serverCpu > 0 ? received / (serverCpu * seconds) : Double.NaN;
        }
    }

    static String usage() {
        return """
                Usage: java -cp benchmarks.jar dev.broadcast.benchmarks.Run S1 [options]
                  --subscribers N      connections subscribed to the one public channel (default 1000)
                  --rate R[,R...]      published messages per second, one step per rate (default 100)
                  --seconds S          measured seconds per step (default 10)
                  --warmup S           unmeasured seconds before each step (default 3)
                  --grace S            max seconds to wait for stragglers after a step (default 5)
                  --targets LIST       server,baseline (default both)
                  --server-jar PATH    default broadcast-server/target/broadcast-server.jar
                  --heap SIZE          -Xms=-Xmx of the server processes (default 1g)
                  --pin-server CPU     run servers under taskset -c CPU
                  --no-heap            skip the jcmd heap-per-connection measurement
                  --in-process         servers in this JVM (no CPU/heap figures; for the smoke test)
                """;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            o.scenario = args[i++];
        }
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--subscribers" -> o.subscribers = Integer.parseInt(args[++i]);
                case "--rate" -> o.rates = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
                case "--grace" -> o.grace = Integer.parseInt(args[++i]);
                case "--targets" -> o.targets = List.of(args[++i].split(","));
                case "--server-jar" -> o.serverJar = args[++i];
                case "--heap" -> o.heap = args[++i];
                case "--pin-server" -> o.pinServer = args[++i];
                case "--no-heap" -> o.measureHeap = false;
                case "--in-process" -> o.inProcess = true;
                case "--help", "-h" -> {
                    System.out.print(usage());
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + "\n" + usage());
            }
        }
        if (!o.scenario.equals("S1")) {
            throw new IllegalArgumentException("Only S1 is implemented so far (S2-S6: see docs/performance.md)");
        }
        return o;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = s1(o);
        System.out.print(table(o, results));
    }

    /** S1: fan-out of 100-byte events on one public channel to N subscribers at fixed rates. */
    static List<Result> s1(Options o) throws Exception {
        List<Result> results = new ArrayList<>();
        long[] sequence = {0};
        for (String t : o.targets) {
            Target target = switch (t) {
                case "server" -> new Target.Server(o.serverJar);
                case "baseline" -> new Target.Baseline();
                default -> throw new IllegalArgumentException("Unknown target " + t);
            };
            try (target) {
                target.start(!o.inProcess, List.of("-Xms" + o.heap, "-Xmx" + o.heap), o.pinServer);
                OptionalLong heapBefore = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                long connectStart = System.nanoTime();
                try (LoadGenerator gen = new LoadGenerator(target.host, target.port, target.subscribePath(),
                        Publisher.CHANNEL, o.subscribers);
                     Publisher publisher = target.publisher()) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (gen.subscribed() + gen.failed() < o.subscribers && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
                    if (gen.subscribed() < o.subscribers) {
                        throw new IllegalStateException(target.name + ": only " + gen.subscribed() + " of "
                                + o.subscribers + " subscribed (" + gen.failed() + " failed)");
                    }
                    log(o, target.name + ": " + gen.subscribed() + " subscribed in " + fmt(connectSeconds) + " s");
                    OptionalLong heapAfter = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                    double heapPerConnection = heapBefore.isPresent() && heapAfter.isPresent()
                            ? (heapAfter.getAsLong() - heapBefore.getAsLong()) / (double) o.subscribers : Double.NaN;
                    for (int rate : o.rates) {
                        results.add(step(o, target, gen, publisher, rate, sequence, heapPerConnection, connectSeconds));
                    }
                }
            }
        }
        return results;
    }

    private static Result step(Options o, Target target, LoadGenerator gen, Publisher publisher, int rate,
                               long[] sequence, double heapPerConnection, double connectSeconds) throws Exception {
        long period = 1_000_000_000L / rate;
        long warmupCount = (long) rate * o.warmup;
        long measureCount = (long) rate * o.seconds;
        long first = sequence[0] + warmupCount;
        long end = first + measureCount;
        gen.measure(first, end);
        long base = sequence[0];
        sequence[0] += warmupCount + measureCount;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long[] published = {0};
        long[] lagMax = {0};
        Exception[] failure = {null};
        // a publisher that falls this far behind (the server is saturated) stops: expected counts only what was sent
        long sendDeadline = start + (warmupCount + measureCount) * period + TimeUnit.SECONDS.toNanos(o.grace);
        Thread sender = new Thread(() -> {
            try {
                for (long i = 0; i < warmupCount + measureCount && System.nanoTime() < sendDeadline; i++) {
                    long scheduled = start + i * period;
                    long wait;
                    while ((wait = scheduled - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long seq = base + i;
                    lagMax[0] = Math.max(lagMax[0], (System.nanoTime() - scheduled) / 1000);
                    if (publisher.publish(payload(scheduled, seq)) && seq >= first) {
                        published[0]++;
                    }
                }
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "publisher");
        sender.start();
        long measureStart = start + warmupCount * period;
        while (System.nanoTime() < measureStart) {
            LockSupport.parkNanos(measureStart - System.nanoTime());
        }
        OptionalLong cpu0 = target.cpuNanos();
        OptionalLong gen0 = Target.cpuNanosOf(ProcessHandle.current().pid());
        sender.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        long expected = published[0] * o.subscribers;
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (gen.measuredReceived() < expected && System.nanoTime() < graceEnd) {
            Thread.sleep(5);
        }
        long stepEnd = System.nanoTime();
        OptionalLong cpu1 = target.cpuNanos();
        OptionalLong gen1 = Target.cpuNanosOf(ProcessHandle.current().pid());
        long measureEnd = measureStart + measureCount * period;
        // delivered/s over the measured window, or longer when deliveries arrived after it (backlog)
        long last = gen.lastMeasuredReceiveNanos();
        double seconds = Math.max(measureEnd, last) - measureStart;
        seconds /= 1e9;
        double window = (stepEnd - measureStart) / 1e9;
        double serverCpu = cpu0.isPresent() && cpu1.isPresent()
                ? (cpu1.getAsLong() - cpu0.getAsLong()) / 1e9 / window : Double.NaN;
        double genCpu = gen0.isPresent() && gen1.isPresent()
                ? (gen1.getAsLong() - gen0.getAsLong()) / 1e9 / window : Double.NaN;
        // CPU is a fraction of one core over [measureStart, stepEnd]; per-core-s uses the same window
        Histogram h = gen.histogram();
        long[] perReceiver = gen.perReceiverMinMax();
        Result r = new Result(target.name, o.subscribers, rate, published[0], expected, gen.measuredReceived(),
                seconds, h.quantile(0.5), h.quantile(0.99), h.max(), perReceiver[0], perReceiver[1],
                serverCpu * window / seconds, genCpu, heapPerConnection, connectSeconds, lagMax[0]);
        log(o, String.format(Locale.ROOT, "%s rate %d: %.0f deliveries/s, p99 %s ms, loss %d",
                target.name, rate, r.deliveriesPerSecond(), ms(r.p99Micros()), r.loss()));
        return r;
    }

    /** 100 bytes: {@code ~T<scheduled nanoTime>~S<sequence>~} padded with x. */
    static String payload(long scheduledNanos, long seq) {
        StringBuilder b = new StringBuilder(100).append("~T").append(scheduledNanos).append("~S").append(seq).append('~');
        while (b.length() < 100) {
            b.append('x');
        }
        return b.toString();
    }

    static String table(Options o, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nS1 fan-out: 1 public channel, 100-byte payload, %d subscribers, %d s measured"
                + " after %d s warm-up per step%s%n", o.subscribers, o.seconds, o.warmup, o.inProcess ? " (in-process)" : ""));
        String head = String.format(Locale.ROOT, "%-16s %6s %10s %11s %8s %8s %8s %8s %9s %8s %10s %9s %8s %8s%n",
                "target", "rate/s", "offered/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "loss",
                "srv CPU%", "gen CPU%", "deliv/core-s", "heap/conn", "x base", "p99 x");
        out.append(head);
        for (Result r : results) {
            Result base = results.stream().filter(b -> b.target().equals("tyrus-baseline") && b.rate() == r.rate())
                    .findFirst().orElse(null);
            String ratio = base == null ? "n/a" : fmt(r.perCoreSecond() / base.perCoreSecond());
            if (base != null && Double.isNaN(r.perCoreSecond())) {
                ratio = fmt(r.deliveriesPerSecond() / base.deliveriesPerSecond()) + "*";
            }
            String p99ratio = base == null || base.p99Micros() <= 0 ? "n/a" : fmt((double) r.p99Micros() / base.p99Micros());
            out.append(String.format(Locale.ROOT, "%-16s %6d %10d %11.0f %8s %8s %8s %8d %9s %8s %10s %9s %8s %8s%n",
                    r.target(), r.rate(), (long) r.rate() * r.subscribers(), r.deliveriesPerSecond(),
                    ms(r.p50Micros()), ms(r.p99Micros()), ms(r.maxMicros()), r.loss(),
                    pct(r.serverCpu()), pct(r.generatorCpu()),
                    Double.isNaN(r.perCoreSecond()) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.perCoreSecond()),
                    Double.isNaN(r.heapPerConnection()) ? "n/a" : String.format(Locale.ROOT, "%.1f KB", r.heapPerConnection() / 1024),
                    ratio, p99ratio));
        }
        out.append("x base = deliveries per server-core-second relative to tyrus-baseline at the same rate"
                + " (* = delivered/s ratio, CPU not measured); p99 x = p99 relative to tyrus-baseline.\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "  %s rate %d: published %d measured events, expected %d deliveries,"
                            + " per-receiver min/max %d/%d, connect+subscribe %.2f s, max publisher lag %s ms%n",
                    r.target(), r.rate(), r.published(), r.expected(), r.minPerReceiver(), r.maxPerReceiver(),
                    r.connectSeconds(), ms(r.publishLagMaxMicros())));
        }
        return out.toString();
    }

    private static String ms(long micros) {
        return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String pct(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void log(Options o, String line) {
        if (!o.quiet) {
            System.err.println(line);
        }
    }

    private Run() {
    }
}
