package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one scenario of docs/performance.md against its targets and prints one table:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.broadcast.benchmarks.Run S1 --subscribers 1000 --rate 10,30
 * java -cp benchmarks/target/benchmarks.jar dev.broadcast.benchmarks.Run S2|S3|S4|S5|S6|GEN [options]
 * </pre>
 *
 * Progress goes to stderr, the table to stdout.
 */
public final class Run {

    static final List<String> SCENARIOS = List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S7-CHURN", "GATE", "SOAK", "GEN", "HTTP");

    /** Options; see {@link #usage()}. -1 / null means "the scenario's default". */
    static final class Options {
        String scenario = "S1";
        int subscribers = -1;
        int[] rates;
        int seconds = -1;
        int warmup = -1;
        int grace = 5;
        List<String> targets;
        String serverJar = "broadcast-server/target/broadcast-server.jar";
        List<String> serverArgs = List.of();
        String heap = "1g";
        String pinServer;
        boolean inProcess;
        boolean measureHeap = true;
        boolean quiet;
        int payload = -1;
        int batch = 1;
        int maxConnecting = -1;
        int publishers = 4;
        int groupSize = 10;
        int windowMs = 50;
        List<String> policies = List.of("buffer", "conflate");
        int keys = 10;
        int idleSeconds = 60;
        double slowPercent = 1;
        int slowReceiveBuffer = 4096;
        int closeWait = 120;
        int tickMs = 10;
        int connectTimeout = 120;
        int storms = 2;
        /** Targets skipped and other remarks, printed under the table. */
        final List<String> notes = new ArrayList<>();

        void defaults() {
            int subs;
            int[] r;
            int secs = 10;
            int warm = 3;
            int pay = 100;
            int connecting = 200;
            List<String> t = List.of("server", "jakarta", "baseline");
            switch (scenario) {
                case "S1" -> {
                    subs = 1000;
                    r = new int[] {100};
                }
                case "S2" -> {
                    subs = 10_000;
                    r = new int[] {0};
                    t = List.of("server", "jakarta");
                }
                case "S3" -> {
                    subs = 1000;
                    r = new int[] {10_000};
                    t = List.of("server", "jakarta");
                }
                case "S4" -> {
                    subs = 10_000;
                    r = new int[] {0};
                }
                case "S5" -> {
                    subs = 10_000;
                    r = new int[] {0};
                    connecting = 1000;
                }
                case "S6" -> {
                    subs = 1000;
                    r = new int[] {20};
                    pay = 4000;
                }
                case "S7" -> {
                    subs = 10_000;
                    r = new int[] {100};
                    t = List.of("server");
                }
                case "S7-CHURN" -> {
                    subs = 2000;
                    r = new int[] {0};
                    secs = 60;
                    t = List.of("server");
                }
                case "GATE" -> {
                    subs = 1000;
                    r = new int[] {0};
                    secs = 180;
                    t = List.of("server");
                }
                case "SOAK" -> {
                    subs = 5000;
                    r = new int[] {50};
                    secs = 1800;
                    t = List.of("server");
                }
                case "HTTP" -> {
                    subs = 1000;
                    r = new int[] {10};
                    secs = 30;
                    warm = 5;
                    t = List.of("server");
                }
                case "TLS" -> {
                    subs = 1000;
                    r = new int[] {100};
                    secs = 20;
                    warm = 5;
                    t = List.of("server");
                }
                case "GEN" -> {
                    subs = 10_000;
                    r = new int[] {100};
                    secs = 5;
                    warm = 1;
                    t = List.of("blaster");
                }
                default -> throw new IllegalArgumentException("Unknown scenario " + scenario + "; known: " + SCENARIOS);
            }
            subscribers = subscribers < 0 ? subs : subscribers;
            rates = rates == null ? r : rates;
            seconds = seconds < 0 ? secs : seconds;
            warmup = warmup < 0 ? warm : warmup;
            payload = payload < 0 ? pay : payload;
            maxConnecting = maxConnecting < 0 ? connecting : maxConnecting;
            targets = targets == null ? t : targets;
        }

        List<String> jvmArgs() {
            return List.of("-Xms" + heap, "-Xmx" + heap);
        }
    }

    static String usage() {
        return """
                Usage: java -cp benchmarks.jar dev.broadcast.benchmarks.Run SCENARIO [options]
                Scenarios (docs/performance.md): S1 fan-out, S2 HTTP API throughput, S3 throttled stream,
                S4 idle connections, S5 connect storm, S6 slow consumers, S7 fan-out over two nodes and Redis
                against one node, S7-CHURN presence churn over two nodes (both need redis-server on the
                PATH), GATE the release gate (1,000 connections, 170 channels, presence and client events,
                every message numbered, 180 s), SOAK 5,000 connections churning 50/s for 30 min (RSS, live heap,
                files and threads each minute), GEN load-generator cost alone, HTTP fan-out to pusher-js's
                xhr_streaming transport beside WebSockets (1,000 of each, 10 msgs/s; steps ws, http, both), TLS
                S1 over ws:// and then wss:// (--tls-cert) in one run (1,000 clients, 100 msgs/s).
                Common:
                  --subscribers N      connections (S1 1000, S2 10000, S3 1000, S4 10000, S5 10000, S6 1000, GEN 10000)
                  --targets LIST       of server (jar, default transport), jakarta (jar --transport tyrus),
                                       server+metrics (the server with Micrometer meters scraped every second),
                                       baseline (raw Tyrus loop), server@JAR (another build's jar, to compare
                                       two builds in one run); default server,jakarta,baseline (S2, S3: server,jakarta)
                  --seconds S          measured seconds per step (default 10; GEN 5)
                  --warmup S           unmeasured seconds before each step (default 3; GEN 1)
                  --grace S            max seconds to wait for stragglers after a step (default 5)
                  --server-jar PATH    default broadcast-server/target/broadcast-server.jar
  --server-args "A B"  extra options for both server targets, e.g. "--io-threads 1"
                  --heap SIZE          -Xms=-Xmx of the server processes (default 1g)
                  --pin-server CPU     run servers under taskset -c CPU
                  --no-heap            skip jcmd heap measurements
                  --in-process         servers in this JVM (no CPU/heap/thread figures; for the smoke test)
                  --max-connecting M   connects in flight (default 200; S5 1000)
                S1, S6 (fan-out on one public channel):
                  --rate R[,R...]      messages per second, one step per rate (S1 100, S6 20)
                  --payload B          bytes of event data (S1 100, S6 4000)
                  --batch K            events per HTTP request, via /batch_events when K > 1 (server allows 10)
                S2 (signed single-event triggers to personal + group channels):
                  --rate R[,R...]      triggers per second over all publishers; 0 = as fast as they go (default 0)
                  --publishers P       publisher threads, one keep-alive connection each (default 4)
                  --group-size G       members per group channel (default 10)
                  --batch K            events per request (batch_events) instead of single triggers
                S3 (throttled stream; the producer runs in the server JVM):
                  --rate R             appends per second (default 10000)
                  --window-ms W        buffer window (default 50)
                  --policy LIST        buffer,conflate (default both)
                  --keys K             conflate keys (default 10)
                S4: --idle-seconds S   idle period (default 60)
                S5: --storms K         storms per server, the first on a cold server (default 2)
                    --connect-timeout S  give up waiting for subscriptions after S seconds (default 120)
                S6: --slow-percent P   share of subscribers that stop reading (default 1)
                    --slow-rcvbuf B    their SO_RCVBUF (default 4096)
                    --close-wait S     after phase B, publish on (unmeasured) for at most S seconds while
                                       waiting for the server to drop them (default 120)
                GEN: --rate R          messages/s to every connection (default 100); --tick-ms T write period (default 10);
                                       the feeder runs in a child JVM unless --in-process
                """;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            o.scenario = args[i++].toUpperCase(Locale.ROOT);
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
                case "--server-args" -> o.serverArgs = List.of(args[++i].trim().split("\\s+"));
                case "--heap" -> o.heap = args[++i];
                case "--pin-server" -> o.pinServer = args[++i];
                case "--no-heap" -> o.measureHeap = false;
                case "--in-process" -> o.inProcess = true;
                case "--payload" -> o.payload = Integer.parseInt(args[++i]);
                case "--batch" -> o.batch = Integer.parseInt(args[++i]);
                case "--max-connecting" -> o.maxConnecting = Integer.parseInt(args[++i]);
                case "--publishers" -> o.publishers = Integer.parseInt(args[++i]);
                case "--group-size" -> o.groupSize = Integer.parseInt(args[++i]);
                case "--window-ms" -> o.windowMs = Integer.parseInt(args[++i]);
                case "--policy" -> o.policies = List.of(args[++i].split(","));
                case "--keys" -> o.keys = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> o.idleSeconds = Integer.parseInt(args[++i]);
                case "--slow-percent" -> o.slowPercent = Double.parseDouble(args[++i]);
                case "--slow-rcvbuf" -> o.slowReceiveBuffer = Integer.parseInt(args[++i]);
                case "--close-wait" -> o.closeWait = Integer.parseInt(args[++i]);
                case "--tick-ms" -> o.tickMs = Integer.parseInt(args[++i]);
                case "--connect-timeout" -> o.connectTimeout = Integer.parseInt(args[++i]);
                case "--storms" -> o.storms = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.print(usage());
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + "\n" + usage());
            }
        }
        o.defaults();
        if (o.batch < 1 || o.payload < 40) {
            throw new IllegalArgumentException("--batch must be at least 1 and --payload at least 40");
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
        Table table;
        try {
            table = switch (o.scenario) {
                case "S1" -> s1Table(o, s1(o));
                case "S2" -> ApiThroughput.table(o, ApiThroughput.run(o));
                case "S3" -> ThrottledStream.table(o, ThrottledStream.run(o));
                case "S4" -> Idle.table(o, Idle.run(o));
                case "S5" -> ConnectStorm.table(o, ConnectStorm.run(o));
                case "S6" -> SlowConsumers.table(o, SlowConsumers.run(o));
                case "S7" -> ClusterFanOut.table(o, ClusterFanOut.run(o));
                case "S7-CHURN" -> PresenceChurn.table(o, PresenceChurn.run(o));
                case "GATE" -> Gate.table(o, Gate.run(o));
                case "SOAK" -> Soak.table(o, Soak.run(o));
                case "GEN" -> GeneratorCheck.table(o, GeneratorCheck.run(o));
                case "HTTP" -> HttpFanOut.table(o, HttpFanOut.run(o));
                case "TLS" -> TlsFanOut.table(o, TlsFanOut.run(o));
                default -> throw new IllegalArgumentException(o.scenario);
            };
        } catch (IllegalStateException e) {
            System.err.println(o.scenario + ": " + e.getMessage());
            System.exit(1);
            return;
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // in-process server threads must not keep the JVM alive
            return;
        }
        System.out.print(table);
        System.exit(0); // child processes were stopped; daemon threads need not linger
    }

    // ---------------------------------------------------------------- shared by the scenarios

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A fresh sequence number for a payload marker. */
    static long nextSequence() {
        return SEQUENCE.getAndIncrement();
    }

    /** Starts {@code target}; null (and a note) when it is unsupported by this build or jar. */
    static Target start(Options o, Target target) throws Exception {
        try {
            target.start(!o.inProcess, o.jvmArgs(), o.pinServer);
            return target;
        } catch (Target.Unsupported e) {
            o.notes.add(e.getMessage());
            log(o, e.getMessage());
            target.close();
            return null;
        }
    }

    /** Checks open-file limits and ephemeral ports for {@code connections} client sockets. */
    static void requireConnections(Options o, int connections) {
        Sys.requireEphemeralPorts(connections);
        if (o.inProcess) {
            Sys.requireOpenFiles(2L * connections + 400, "This JVM (load generator plus in-process server)");
        } else {
            Sys.requireOpenFiles(connections + 400, "Each process of this run (load generator, server)");
        }
    }

    /** Opens and subscribes every connection of {@code config}, or fails saying how many made it. */
    static LoadGenerator connect(Options o, Target target, LoadGenerator.Config config) throws Exception {
        long t0 = System.nanoTime();
        LoadGenerator gen = new LoadGenerator(config);
        if (!gen.awaitSubscribed(o.connectTimeout, TimeUnit.SECONDS)) {
            int subscribed = gen.subscribed();
            int failed = gen.failed();
            gen.close();
            throw new IllegalStateException(target.name + ": only " + subscribed + " of " + config.connections
                    + " subscribed (" + failed + " failed) within " + o.connectTimeout + " s");
        }
        log(o, String.format(Locale.ROOT, "%s: %d subscribed in %.2f s", target.name, gen.subscribed(),
                (System.nanoTime() - t0) / 1e9));
        return gen;
    }

    static LoadGenerator.Config config(Options o, Target target, int connections) {
        return new LoadGenerator.Config(target.host, target.port, target.subscribePath(), connections)
                .maxConnecting(o.maxConnecting);
    }

    static void log(Options o, String line) {
        if (!o.quiet) {
            System.err.println(line);
        }
    }

    static void parkUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** {@code size} bytes: {@code ~T<scheduled nanoTime>~S<sequence>~} padded with x. */
    static String payload(long scheduledNanos, long seq, int size) {
        StringBuilder b = new StringBuilder(size).append("~T").append(scheduledNanos).append("~S").append(seq).append('~');
        while (b.length() < size) {
            b.append('x');
        }
        return b.toString();
    }

    /** 100 bytes, as {@link #payload(long, long, int)}. */
    static String payload(long scheduledNanos, long seq) {
        return payload(scheduledNanos, seq, 100);
    }

    static double cpuShare(OptionalLong before, OptionalLong after, double seconds) {
        return before.isPresent() && after.isPresent() ? (after.getAsLong() - before.getAsLong()) / 1e9 / seconds : Double.NaN;
    }

    static OptionalLong selfCpu() {
        return Sys.cpuNanos(ProcessHandle.current().pid());
    }

    // ---------------------------------------------------------------- S1 and the fan-out step S6 reuses

    /** One (target, rate) step of S1. */
    record Result(String target, int subscribers, int rate, long published, long expected, long received,
                  double seconds, long p50Micros, long p99Micros, long maxMicros, long minPerReceiver,
                  long maxPerReceiver, double serverCpu, double generatorCpu, double heapPerConnection,
                  double connectSeconds, long publishLagMaxMicros, double generatorNanosPerDelivery) {

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

    /** What one open-loop publishing step measured. */
    record Step(int rate, long published, long expected, long received, double seconds, Histogram latency,
                long minPerReceiver, long maxPerReceiver, double serverCpu, double generatorCpu,
                long lagMaxMicros, double generatorNanosPerDelivery, long sentWithWarmup) {
    }

    /** S1: fan-out of events on one public channel to N subscribers at fixed rates. */
    static List<Result> s1(Options o) throws Exception {
        requireConnections(o, o.subscribers);
        List<Result> results = new ArrayList<>();
        for (String spec : o.targets) {
            try (Target target = start(o, Target.of(spec, o))) {
                if (target == null) {
                    continue;
                }
                OptionalLong heapBefore = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                long connectStart = System.nanoTime();
                try (LoadGenerator gen = connect(o, target, config(o, target, o.subscribers));
                     Publisher publisher = target.publisher()) {
                    double connectSeconds = (gen.lastSubscribedNanos() - connectStart) / 1e9;
                    OptionalLong heapAfter = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                    double heapPerConnection = heapBefore.isPresent() && heapAfter.isPresent()
                            ? (heapAfter.getAsLong() - heapBefore.getAsLong()) / (double) o.subscribers : Double.NaN;
                    for (int rate : o.rates) {
                        Step s = step(o, target, gen, publisher, rate, o.subscribers);
                        Result r = new Result(target.name, o.subscribers, rate, s.published(), s.expected(), s.received(),
                                s.seconds(), s.latency().quantile(0.5), s.latency().quantile(0.99), s.latency().max(),
                                s.minPerReceiver(), s.maxPerReceiver(), s.serverCpu(), s.generatorCpu(),
                                heapPerConnection, connectSeconds, s.lagMaxMicros(), s.generatorNanosPerDelivery());
                        log(o, String.format(Locale.ROOT, "%s rate %d: %.0f deliveries/s, p99 %s ms, loss %d",
                                target.name, rate, r.deliveriesPerSecond(), Table.ms(r.p99Micros()), r.loss()));
                        results.add(r);
                    }
                }
            }
        }
        return results;
    }

    /**
     * Publishes on {@link Publisher#CHANNEL} at {@code rate} events/s (open loop, {@code --batch}
     * events per request) for warm-up plus the measured seconds, then waits for the deliveries.
     * {@code receivers} is how many healthy subscribers each event should reach.
     */
    static Step step(Options o, Target target, LoadGenerator gen, Publisher publisher, int rate, int receivers)
            throws Exception {
        return step(o, List.of(target), List.of(gen), publisher, rate, receivers);
    }

    /**
     * {@link #step(Options, Target, LoadGenerator, Publisher, int, int)} over several servers (the
     * nodes of a cluster, their CPU summed) and the generators connected to them.
     */
    static Step step(Options o, List<Target> targets, List<LoadGenerator> gens, Publisher publisher, int rate, int receivers)
            throws Exception {
        int batch = o.batch;
        long period = 1_000_000_000L * batch / rate;
        long warmupRequests = (long) Math.ceil((double) rate * o.warmup / batch);
        long measureRequests = Math.max(1, (long) rate * o.seconds / batch);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long measureStart = start + warmupRequests * period;
        long measureEnd = measureStart + measureRequests * period;
        for (LoadGenerator gen : gens) {
            gen.measure(measureStart, measureEnd);
        }
        long[] published = {0};
        long[] sentAll = {0};
        long[] lagMax = {0};
        Exception[] failure = {null};
        // a publisher that falls this far behind (the server is saturated) stops: expected counts only what was sent
        long sendDeadline = measureEnd + TimeUnit.SECONDS.toNanos(o.grace);
        Thread sender = new Thread(() -> {
            String[] channels = new String[batch];
            Arrays.fill(channels, Publisher.CHANNEL);
            String[] data = new String[batch];
            try {
                for (long i = 0; i < warmupRequests + measureRequests && System.nanoTime() < sendDeadline; i++) {
                    long scheduled = start + i * period;
                    parkUntil(scheduled);
                    for (int k = 0; k < batch; k++) {
                        data[k] = payload(scheduled, nextSequence(), o.payload);
                    }
                    lagMax[0] = Math.max(lagMax[0], (System.nanoTime() - scheduled) / 1000);
                    boolean accepted = publisher.publish(channels, data, batch);
                    if (accepted) {
                        sentAll[0] += batch;
                    }
                    if (accepted && scheduled >= measureStart) {
                        published[0] += batch;
                    }
                }
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "publisher");
        sender.start();
        parkUntil(measureStart);
        OptionalLong cpu0 = cpuOf(targets);
        OptionalLong gen0 = selfCpu();
        long genThread0 = sum(gens, LoadGenerator::threadCpuNanos);
        long all0 = sum(gens, LoadGenerator::allDeliveries);
        sender.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        long expected = published[0] * receivers;
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (sum(gens, LoadGenerator::measuredReceived) < expected && System.nanoTime() < graceEnd) {
            Thread.sleep(5);
        }
        long stepEnd = System.nanoTime();
        OptionalLong cpu1 = cpuOf(targets);
        OptionalLong gen1 = selfCpu();
        long genThread1 = sum(gens, LoadGenerator::threadCpuNanos);
        long all1 = sum(gens, LoadGenerator::allDeliveries);
        long lastReceive = 0;
        Histogram latency = new Histogram();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (LoadGenerator gen : gens) {
            lastReceive = Math.max(lastReceive, gen.lastMeasuredReceiveNanos());
            latency.add(gen.histogram());
            long[] perReceiver = gen.perReceiverMinMax();
            min = Math.min(min, perReceiver[0]);
            max = Math.max(max, perReceiver[1]);
        }
        // delivered/s over the measured window, or longer when deliveries arrived after it (backlog)
        double seconds = (Math.max(measureEnd, lastReceive) - measureStart) / 1e9;
        double window = (stepEnd - measureStart) / 1e9;
        double serverCpu = cpuShare(cpu0, cpu1, window);
        double genCpu = cpuShare(gen0, gen1, window);
        // CPU is a fraction of one core over [measureStart, stepEnd]; rescaled to the delivery window
        return new Step(rate, published[0], expected, sum(gens, LoadGenerator::measuredReceived), seconds, latency,
                min, max, serverCpu * window / seconds, genCpu, lagMax[0],
                all1 > all0 ? (double) (genThread1 - genThread0) / (all1 - all0) : Double.NaN, sentAll[0]);
    }

    /** The summed CPU time of {@code targets}, empty if any is not measurable. */
    static OptionalLong cpuOf(List<Target> targets) {
        long total = 0;
        for (Target target : targets) {
            OptionalLong cpu = target.cpuNanos();
            if (cpu.isEmpty()) {
                return OptionalLong.empty();
            }
            total += cpu.getAsLong();
        }
        return OptionalLong.of(total);
    }

    interface GenReading {
        long read(LoadGenerator gen) throws InterruptedException;
    }

    static long sum(List<LoadGenerator> gens, GenReading reading) throws InterruptedException {
        long total = 0;
        for (LoadGenerator gen : gens) {
            total += reading.read(gen);
        }
        return total;
    }

    static Table s1Table(Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S1 fan-out: 1 public channel, %d-byte payload%s, %d subscribers,"
                        + " %d s measured after %d s warm-up per step%s", o.payload,
                        o.batch > 1 ? ", " + o.batch + " events per request" : "", o.subscribers, o.seconds, o.warmup,
                        o.inProcess ? " (in-process)" : ""),
                "target", "rate/s", "offered/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "loss", "srv CPU%",
                "gen CPU%", "gen ns/dlv", "deliv/core-s", "heap/conn", "x base", "p99 x");
        for (Result r : results) {
            Result base = results.stream().filter(b -> b.target().equals("tyrus-baseline") && b.rate() == r.rate())
                    .findFirst().orElse(null);
            String ratio = base == null ? "n/a" : Table.fmt(r.perCoreSecond() / base.perCoreSecond());
            if (base != null && Double.isNaN(r.perCoreSecond())) {
                ratio = Table.fmt(r.deliveriesPerSecond() / base.deliveriesPerSecond()) + "*";
            }
            String p99ratio = base == null || base.p99Micros() <= 0 ? "n/a" : Table.fmt((double) r.p99Micros() / base.p99Micros());
            t.row(r.target(), r.rate(), (long) r.rate() * r.subscribers(), Table.num(r.deliveriesPerSecond()),
                    Table.ms(r.p50Micros()), Table.ms(r.p99Micros()), Table.ms(r.maxMicros()), r.loss(),
                    Table.pct(r.serverCpu()), Table.pct(r.generatorCpu()), Table.num(r.generatorNanosPerDelivery()),
                    Table.num(r.perCoreSecond()), Table.kb(r.heapPerConnection()), ratio, p99ratio);
        }
        t.footer("x base = deliveries per server-core-second relative to tyrus-baseline at the same rate"
                + " (* = delivered/s ratio, CPU not measured); p99 x = p99 relative to tyrus-baseline;"
                + " gen ns/dlv = load-generator thread CPU per delivery.");
        for (Result r : results) {
            t.footer(String.format(Locale.ROOT, "  %s rate %d: published %d measured events, expected %d deliveries,"
                            + " per-receiver min/max %d/%d, connect+subscribe %.2f s, max publisher lag %s ms",
                    r.target(), r.rate(), r.published(), r.expected(), r.minPerReceiver(), r.maxPerReceiver(),
                    r.connectSeconds(), Table.ms(r.publishLagMaxMicros())));
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }

    private Run() {
    }
}
