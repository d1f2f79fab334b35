package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * GEN: the load generator alone, fed by {@link FrameBlaster} in this JVM, to show it is not the
 * limit: deliveries per second it keeps up with, and its selector thread's CPU per delivery.
 */
final class GeneratorCheck {

    private GeneratorCheck() {
    }

    record Result(int connections, int rate, int tickMs, long expected, long received, double deliveriesPerSecond,
                  double threadCpu, double nanosPerDelivery, double systemShare, double framesPerRead,
                  double bytesPerDelivery, long p99Micros, double processCpu) {
    }

    static List<Result> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers);
        List<Result> results = new ArrayList<>();
        try (Target blaster = Run.start(o, new Target.Blaster(o.payload));
             LoadGenerator gen = new LoadGenerator(new LoadGenerator.Config(blaster.host, blaster.port, "/app/bench",
                     o.subscribers).maxConnecting(o.maxConnecting))) {
            if (blaster.isChild()) {
                ThrottledStream.checkClock(blaster);
            }
            if (!gen.awaitSubscribed(o.connectTimeout, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + gen.subscribed() + " of " + o.subscribers + " subscribed");
            }
            for (int rate : o.rates) {
                long period = 1_000_000_000L / rate;
                long count = (long) rate * (o.warmup + o.seconds);
                long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                long measureStart = start + TimeUnit.SECONDS.toNanos(o.warmup);
                long measureEnd = start + TimeUnit.SECONDS.toNanos(o.warmup + o.seconds);
                long measured = (measureEnd - start + period - 1) / period - (measureStart - start + period - 1) / period;
                gen.measure(measureStart, measureEnd);
                blaster.command("start " + start + " " + rate + " " + count + " " + o.tickMs, 30);
                Run.parkUntil(measureStart);
                long cpu0 = gen.threadCpuNanos();
                long[] us0 = Sys.threadUserSystemNanos("load-generator");
                long alloc0 = gen.threadAllocatedBytes();
                long all0 = gen.allDeliveries();
                long reads0 = gen.reads();
                var proc0 = Run.selfCpu();
                Run.parkUntil(measureEnd);
                long cpu1 = gen.threadCpuNanos();
                long[] us1 = Sys.threadUserSystemNanos("load-generator");
                long alloc1 = gen.threadAllocatedBytes();
                long all1 = gen.allDeliveries();
                long reads1 = gen.reads();
                var proc1 = Run.selfCpu();
                double wall = (System.nanoTime() - measureStart) / 1e9;
                long expected = measured * o.subscribers;
                long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
                while (gen.measuredReceived() < expected && System.nanoTime() < graceEnd) {
                    Thread.sleep(5);
                }
                long delivered = all1 - all0;
                Result r = new Result(o.subscribers, rate, o.tickMs, expected, gen.measuredReceived(), delivered / wall,
                        (cpu1 - cpu0) / 1e9 / wall, delivered > 0 ? (double) (cpu1 - cpu0) / delivered : Double.NaN,
                        us0 == null || us1 == null || us1[0] + us1[1] == us0[0] + us0[1] ? Double.NaN
                                : (double) (us1[1] - us0[1]) / (us1[0] + us1[1] - us0[0] - us0[1]),
                        reads1 > reads0 ? (double) delivered / (reads1 - reads0) : Double.NaN,
                        alloc0 < 0 || delivered == 0 ? Double.NaN : (double) (alloc1 - alloc0) / delivered,
                        gen.histogram().quantile(0.99), Run.cpuShare(proc0, proc1, wall));
                Run.log(o, String.format(Locale.ROOT, "GEN rate %d: %.0f deliveries/s, %.0f ns CPU per delivery", rate,
                        r.deliveriesPerSecond(), r.nanosPerDelivery()));
                results.add(r);
                Thread.sleep(200);
            }
        }
        return results;
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "GEN load generator alone: %d connections fed by a frame blaster"
                        + " (%s; %d-byte payloads, the frames due in a tick in one write per connection), %d s measured",
                        o.subscribers, o.inProcess ? "in this JVM" : "child JVM", o.payload, o.seconds),
                "conns", "rate/s", "tick ms", "offered/s", "delivered/s", "loss", "gen thread CPU%", "ns/delivery",
                "kernel share", "frames/read", "B alloc/dlv", "p99 ms", "process CPU%");
        for (Result r : results) {
            t.row(r.connections(), r.rate(), r.tickMs(), (long) r.rate() * r.connections(),
                    Table.num(r.deliveriesPerSecond()), r.expected() - r.received(), Table.pct(r.threadCpu()),
                    Table.num(r.nanosPerDelivery()), Table.pct(r.systemShare()), Table.fmt(r.framesPerRead()),
                    Table.fmt(r.bytesPerDelivery()),
                    Table.ms(r.p99Micros()),
                    Table.pct(r.processCpu()));
        }
        t.footer("ns/delivery = CPU time (user+sys) of the generator's selector thread / deliveries in the window;"
                + " kernel share = its system time / its CPU time (/proc, 10 ms ticks); B alloc/dlv = bytes that thread"
                + " allocated per delivery; p99 includes up to one tick of"
                + " batching and the wait for a core; process CPU% = this JVM (includes the blaster when in-process).");
        return t;
    }
}
