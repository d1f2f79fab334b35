package dev.broadcast.benchmarks;

import dev.broadcast.redis.RedisProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S7, fan-out across a cluster: the S1 load (one public channel, {@code --subscribers} split over
 * the nodes, events through node A's HTTP API) on two server processes joined by a real
 * {@code redis-server}, and in the same run on one server without Redis, the baseline. Reports
 * deliveries per core-second of the nodes (both nodes' CPU summed) against the single node,
 * p99, Redis's CPU and the Redis {@code PUBLISH} calls per broadcast.
 */
final class ClusterFanOut {

    private static final Pattern PUBLISH_CALLS = Pattern.compile("cmdstat_publish:calls=(\\d+)");

    /** One setup at one rate. */
    record Row(String setup, Run.Result result, double redisCpu, double publishesPerBroadcast) {
    }

    static List<Row> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers);
        List<Row> rows = new ArrayList<>();
        for (int rate : o.rates) {
            rows.add(single(o, rate));
            rows.add(relayed(o, rate));
            rows.add(cluster(o, rate));
        }
        return rows;
    }

    private static Row single(Run.Options o, int rate) throws Exception {
        try (Target node = Run.start(o, new Target.Server("1 node", o.serverJar, o.serverArgs))) {
            long connectStart = System.nanoTime();
            try (LoadGenerator gen = Run.connect(o, node, Run.config(o, node, o.subscribers));
                 Publisher publisher = node.publisher()) {
                double connectSeconds = (gen.lastSubscribedNanos() - connectStart) / 1e9;
                Run.Step s = Run.step(o, node, gen, publisher, rate, o.subscribers);
                return new Row("1 node, no Redis", result("1 node", rate, s, o, connectSeconds), Double.NaN, Double.NaN);
            }
        }
    }

    /**
     * One node on Redis with every subscriber: what the relay path (publish to Redis, receive,
     * decode, fan out) costs by itself, without a second JVM on the machine.
     */
    private static Row relayed(Run.Options o, int rate) throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<String> args = Target.concat(List.of("--redis-url", redis.url()), o.serverArgs);
            try (Target node = Run.start(o, new Target.Server("1 node + Redis", o.serverJar, args))) {
                long connectStart = System.nanoTime();
                try (LoadGenerator gen = Run.connect(o, node, Run.config(o, node, o.subscribers));
                     Publisher publisher = node.publisher()) {
                    double connectSeconds = (gen.lastSubscribedNanos() - connectStart) / 1e9;
                    long publishes0 = publishCalls(redis);
                    OptionalLong redisCpu0 = Sys.cpuNanos(redis.pid());
                    long t0 = System.nanoTime();
                    Run.Step s = Run.step(o, node, gen, publisher, rate, o.subscribers);
                    double window = (System.nanoTime() - t0) / 1e9;
                    long publishes = publishCalls(redis) - publishes0;
                    return new Row("1 node + Redis", result("1 node + Redis", rate, s, o, connectSeconds),
                            Run.cpuShare(redisCpu0, Sys.cpuNanos(redis.pid()), window), (double) publishes / s.sentWithWarmup());
                }
            }
        }
    }

    private static Row cluster(Run.Options o, int rate) throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<String> args = Target.concat(List.of("--redis-url", redis.url()), o.serverArgs);
            try (Target a = Run.start(o, new Target.Server("node A", o.serverJar, args));
                 Target b = Run.start(o, new Target.Server("node B", o.serverJar, args))) {
                int half = o.subscribers / 2;
                long connectStart = System.nanoTime();
                try (LoadGenerator genA = Run.connect(o, a, Run.config(o, a, half));
                     LoadGenerator genB = Run.connect(o, b, Run.config(o, b, o.subscribers - half));
                     Publisher publisher = a.publisher()) {
                    double connectSeconds = (Math.max(genA.lastSubscribedNanos(), genB.lastSubscribedNanos()) - connectStart) / 1e9;
                    long publishes0 = publishCalls(redis);
                    OptionalLong redisCpu0 = Sys.cpuNanos(redis.pid());
                    long t0 = System.nanoTime();
                    Run.Step s = Run.step(o, List.of(a, b), List.of(genA, genB), publisher, rate, o.subscribers);
                    double window = (System.nanoTime() - t0) / 1e9;
                    long publishes = publishCalls(redis) - publishes0;
                    double redisCpu = Run.cpuShare(redisCpu0, Sys.cpuNanos(redis.pid()), window);
                    return new Row("2 nodes + Redis", result("2 nodes", rate, s, o, connectSeconds), redisCpu,
                            (double) publishes / s.sentWithWarmup());
                }
            }
        }
    }

    private static Run.Result result(String name, int rate, Run.Step s, Run.Options o, double connectSeconds) {
        return new Run.Result(name, o.subscribers, rate, s.published(), s.expected(), s.received(), s.seconds(),
                s.latency().quantile(0.5), s.latency().quantile(0.99), s.latency().max(), s.minPerReceiver(),
                s.maxPerReceiver(), s.serverCpu(), s.generatorCpu(), Double.NaN, connectSeconds, s.lagMaxMicros(),
                s.generatorNanosPerDelivery());
    }

    private static long publishCalls(RedisProcess redis) {
        String stats = redis.call(r -> r.info("commandstats"));
        Matcher m = PUBLISH_CALLS.matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static Table table(Run.Options o, List<Row> rows) {
        Table t = new Table(String.format(Locale.ROOT, "S7 cluster fan-out: 1 public channel, %d-byte payload, %d subscribers"
                        + " (split over the nodes), events through node A's HTTP API, %d s measured after %d s warm-up",
                o.payload, o.subscribers, o.seconds, o.warmup),
                "setup", "rate/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "loss", "nodes CPU%", "redis CPU%",
                "deliv/core-s", "x 1 node", "publishes/broadcast");
        for (Row row : rows) {
            Run.Result r = row.result();
            Row base = rows.stream().filter(b -> b.redisCpu() != b.redisCpu() && b.result().rate() == r.rate()).findFirst().orElse(null);
            String ratio = base == null ? "n/a" : Table.fmt(r.perCoreSecond() / base.result().perCoreSecond());
            t.row(row.setup(), r.rate(), Table.num(r.deliveriesPerSecond()), Table.ms(r.p50Micros()), Table.ms(r.p99Micros()),
                    Table.ms(r.maxMicros()), r.loss(), Table.pct(r.serverCpu()),
                    Double.isNaN(row.redisCpu()) ? "-" : Table.pct(row.redisCpu()), Table.num(r.perCoreSecond()), ratio,
                    Double.isNaN(row.publishesPerBroadcast()) ? "-" : String.format(Locale.ROOT, "%.3f", row.publishesPerBroadcast()));
        }
        t.footer("deliv/core-s = deliveries per second of server CPU (both nodes' CPU summed for the cluster);"
                + " x 1 node = that against the single node at the same rate, measured in the same run;"
                + " publishes/broadcast = Redis PUBLISH calls (INFO commandstats) per event the API accepted, warm-up included.");
        for (Row row : rows) {
            Run.Result r = row.result();
            t.footer(String.format(Locale.ROOT, "  %s rate %d: published %d measured events, expected %d deliveries,"
                            + " per-receiver min/max %d/%d, connect+subscribe %.2f s", row.setup(), r.rate(), r.published(),
                    r.expected(), r.minPerReceiver(), r.maxPerReceiver(), r.connectSeconds()));
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }

    private ClusterFanOut() {
    }
}
