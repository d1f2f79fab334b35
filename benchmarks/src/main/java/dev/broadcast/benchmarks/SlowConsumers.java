package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * S6, slow consumers: S1 on one public channel; a share of the subscribers (1% by default) has a
 * small {@code SO_RCVBUF}. After an unmeasured warm-up step (none with {@code --warmup 0}), phase A: everyone reads (the
 * reference). Phase B: the same step while the slow ones read nothing. Only healthy subscribers are
 * measured, in both phases. From B on, the server's own connection count (HTTP API) is polled to see
 * when it drops the slow ones; after B the publisher goes on (unmeasured) until they are dropped or
 * {@code --close-wait} ends, since a slow consumer only overflows while data keeps coming (the
 * kernel's send buffer on the server side takes up to net.ipv4.tcp_wmem's maximum, 4 MiB here,
 * before the library's 1 MiB queue starts to fill). Then the slow ones read again, to see how they
 * were ended (close code, or EOF/reset without one).
 */
final class SlowConsumers {

    private SlowConsumers() {
    }

    record Result(String target, int subscribers, int slow, int rate, int payload, Run.Step reference, Run.Step withSlow,
                  double heapReference, double heapWithSlow, double heapAfterWait, int serverClosed, double firstCloseSeconds,
                  double lastCloseSeconds, Map<Integer, Integer> slowCloseCodes, int healthyClosed) {

        double p99Change() {
            long a = reference.latency().quantile(0.99);
            long b = withSlow.latency().quantile(0.99);
            return a > 0 ? (double) (b - a) / a : Double.NaN;
        }
    }

    static List<Result> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers);
        int n = o.subscribers;
        int slow = Math.max(1, (int) Math.round(n * o.slowPercent / 100));
        int stride = n / slow;
        int healthy = n - slow;
        List<Result> results = new ArrayList<>();
        for (String spec : o.targets) {
            try (Target target = Run.start(o, Target.of(spec, o))) {
                if (target == null) {
                    continue;
                }
                LoadGenerator.Config config = Run.config(o, target, n)
                        .slow(i -> i % stride == 0 && i / stride < slow, o.slowReceiveBuffer);
                try (LoadGenerator gen = Run.connect(o, target, config);
                     Publisher publisher = target.publisher()) {
                    for (int rate : o.rates) {
                        if (o.warmup > 0) {
                            Run.log(o, target.name + " rate " + rate + ": warming up (unmeasured step)");
                            Run.step(o, target, gen, publisher, rate, healthy);
                        }
                        Run.log(o, target.name + " rate " + rate + ": phase A, all subscribers read");
                        Run.Step a = Run.step(o, target, gen, publisher, rate, healthy);
                        double heapA = heap(o, target);
                        int connectionsBefore = target.serverConnections().orElse(-1);
                        Run.log(o, target.name + " rate " + rate + ": phase B, " + slow + " subscribers stop reading");
                        gen.pauseSlow();
                        long paused = System.nanoTime();
                        Watcher watcher = new Watcher(target, connectionsBefore - slow);
                        watcher.start();
                        Run.Step b = Run.step(o, target, gen, publisher, rate, healthy);
                        double heapB = heap(o, target);
                        if (!watcher.allClosed && o.closeWait > 0) {
                            // the slow ones only overflow while data keeps coming: publish on, unmeasured
                            Run.log(o, target.name + ": publishing on for up to " + o.closeWait
                                    + " s while waiting for the server to drop the slow subscribers");
                            gen.measure(Long.MAX_VALUE, Long.MAX_VALUE);
                            publishUntil(publisher, rate, o, System.nanoTime() + TimeUnit.SECONDS.toNanos(o.closeWait),
                                    () -> watcher.allClosed);
                        }
                        watcher.stop = true;
                        watcher.join();
                        double heapEnd = heap(o, target);
                        int closedBefore = gen.closed();
                        gen.resumeSlow();
                        long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(3, o.grace));
                        while (gen.closeCodes(true).values().stream().mapToInt(Integer::intValue).sum() < watcher.dropped()
                                && System.nanoTime() < drainEnd) {
                            Thread.sleep(50);
                        }
                        Map<Integer, Integer> slowCodes = gen.closeCodes(true);
                        int slowClosedByClient = slowCodes.values().stream().mapToInt(Integer::intValue).sum();
                        int healthyClosed = gen.closed() - slowClosedByClient;
                        Result r = new Result(target.name, n, slow, rate, o.payload, a, b, heapA, heapB, heapEnd,
                                connectionsBefore < 0 ? -1 : watcher.dropped(),
                                watcher.firstDrop == 0 ? Double.NaN : (watcher.firstDrop - paused) / 1e9,
                                watcher.lastDrop == 0 ? Double.NaN : (watcher.lastDrop - paused) / 1e9,
                                slowCodes, healthyClosed);
                        Run.log(o, String.format(Locale.ROOT, "%s rate %d: healthy p99 %s -> %s ms, %s of %d slow closed"
                                        + " by the server (codes seen %s); %d connections ended before the drain", r.target(),
                                rate, Table.ms(a.latency().quantile(0.99)), Table.ms(b.latency().quantile(0.99)),
                                r.serverClosed() < 0 ? "n/a" : Integer.toString(r.serverClosed()), slow, codes(slowCodes),
                                closedBefore));
                        results.add(r);
                        break; // the slow ones are gone or drained now: one rate per target
                    }
                }
            }
        }
        return results;
    }

    /** Publishes at {@code rate} (no measurement) until {@code deadline} or until {@code done} says so. */
    private static void publishUntil(Publisher publisher, int rate, Run.Options o, long deadline,
                                     java.util.function.BooleanSupplier done) throws Exception {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; System.nanoTime() < deadline && !done.getAsBoolean(); i++) {
            long scheduled = start + i * period;
            Run.parkUntil(scheduled);
            publisher.publish(Run.payload(scheduled, Run.nextSequence(), o.payload));
        }
    }

    private static double heap(Run.Options o, Target target) {
        OptionalLong h = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
        return h.isPresent() ? h.getAsLong() : Double.NaN;
    }

    /** Polls the server's connection count every 200 ms and notes when it drops. */
    private static final class Watcher extends Thread {
        private final Target target;
        private final int allClosedAt;
        volatile boolean stop;
        volatile boolean allClosed;
        volatile long firstDrop;
        volatile long lastDrop;
        private volatile int initial = -1;
        private volatile int lowest = Integer.MAX_VALUE;

        Watcher(Target target, int allClosedAt) {
            super("slow-consumer-watcher");
            setDaemon(true);
            this.target = target;
            this.allClosedAt = allClosedAt;
        }

        int dropped() {
            return initial < 0 || lowest == Integer.MAX_VALUE ? 0 : initial - lowest;
        }

        @Override
        public void run() {
            while (!stop) {
                OptionalInt count = target.serverConnections();
                if (count.isEmpty()) {
                    return;
                }
                int c = count.getAsInt();
                long now = System.nanoTime();
                if (initial < 0) {
                    initial = c;
                }
                if (c < lowest) {
                    if (c < initial) {
                        if (firstDrop == 0) {
                            firstDrop = now;
                        }
                        lastDrop = now;
                    }
                    lowest = c;
                }
                if (c <= allClosedAt) {
                    allClosed = true;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static String codes(Map<Integer, Integer> codes) {
        if (codes.isEmpty()) {
            return "none";
        }
        return codes.entrySet().stream().map(e -> (e.getKey() == LoadGenerator.EOF ? "EOF" : e.getKey() == LoadGenerator.IO_ERROR
                ? "reset" : Integer.toString(e.getKey())) + "x" + e.getValue()).collect(Collectors.joining(" "));
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S6 slow consumers: S1 with %d-byte payloads, %d subscribers, %.1f%%"
                        + " of them with SO_RCVBUF %d that stop reading in phase B; %d s measured after %d s warm-up per phase%s",
                        o.payload, o.subscribers, o.slowPercent, o.slowReceiveBuffer, o.seconds, o.warmup,
                        o.inProcess ? " (in-process)" : ""),
                "target", "rate/s", "slow", "p99 A ms", "p99 B ms", "p99 change", "loss A", "loss B", "heap A",
                "heap B", "heap end", "srv closed", "first s", "all s", "codes seen", "healthy lost");
        for (Result r : results) {
            t.row(r.target(), r.rate(), r.slow(), Table.ms(r.reference().latency().quantile(0.99)),
                    Table.ms(r.withSlow().latency().quantile(0.99)),
                    Double.isNaN(r.p99Change()) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", r.p99Change() * 100),
                    r.reference().expected() - r.reference().received(), r.withSlow().expected() - r.withSlow().received(),
                    Table.mb(r.heapReference()), Table.mb(r.heapWithSlow()), Table.mb(r.heapAfterWait()),
                    r.serverClosed() < 0 ? "n/a" : Integer.toString(r.serverClosed()),
                    Table.fmt(r.firstCloseSeconds()), Table.fmt(r.lastCloseSeconds()), codes(r.slowCloseCodes()),
                    r.healthyClosed());
        }
        t.footer("A = everyone reads, B = the slow ones read nothing (after B, publishing goes on unmeasured until the"
                + " server drops them or --close-wait ends); p99/loss over healthy subscribers only; heap = live heap"
                + " after jcmd GC.run at the end of A, of B, and of the wait (end); srv closed = drop of the server's connection count (HTTP API;"
                + " n/a without one); first/all s = seconds after B began until the first / the last drop seen;"
                + " codes seen = how the slow ones found their connection ended once they read again (4100 = slow"
                + " consumer; EOF/reset = no close frame). Target: healthy p99 change <= +10%, bounded heap.");
        for (Result r : results) {
            t.footer(String.format(Locale.ROOT, "  %s: expected %d / %d healthy deliveries (A / B), max publisher lag %s / %s ms",
                    r.target(), r.reference().expected(), r.withSlow().expected(),
                    Table.ms(r.reference().lagMaxMicros()), Table.ms(r.withSlow().lagMaxMicros())));
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
