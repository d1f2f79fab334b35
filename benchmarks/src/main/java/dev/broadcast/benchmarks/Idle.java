package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * S4, idle connections: N connections subscribed to one public channel stay idle for a while.
 * Measured per target: live heap and RSS per connection (after − before connecting, heap after a
 * full GC), threads before and while idle (/proc/pid/task), the library's own threads (named
 * {@code broadcast-…}; full list from {@code jcmd Thread.print}), idle CPU over the idle period,
 * and connections lost meanwhile.
 */
final class Idle {

    private Idle() {
    }

    record Result(String target, int connections, double heapPerConnection, double rssPerConnection,
                  long threadsBefore, long threadsIdle, List<String> libraryThreads, String threadGroups,
                  double idleCpu, double idleSeconds, int subscribedAtEnd, int closedDuringIdle) {
    }

    static List<Result> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers);
        List<Result> results = new ArrayList<>();
        for (String spec : o.targets) {
            try (Target target = Run.start(o, Target.of(spec, o))) {
                if (target == null) {
                    continue;
                }
                if (target.isChild()) {
                    Thread.sleep(1000); // let start-up work (JIT, class loading) settle
                }
                OptionalLong heap0 = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                OptionalLong rss0 = target.rss();
                OptionalLong threads0 = target.threadCount();
                try (LoadGenerator gen = Run.connect(o, target, Run.config(o, target, o.subscribers))) {
                    if (target.isChild()) {
                        Thread.sleep(2000); // connect-time work done
                    }
                    OptionalLong threads1 = target.threadCount();
                    List<String> names = target.threadNames();
                    int closedBefore = gen.closed();
                    OptionalLong cpu0 = target.cpuNanos();
                    long t0 = System.nanoTime();
                    long end = t0 + TimeUnit.SECONDS.toNanos(o.idleSeconds);
                    Run.log(o, target.name + ": idle for " + o.idleSeconds + " s");
                    while (System.nanoTime() < end) {
                        Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
                    }
                    OptionalLong cpu1 = target.cpuNanos();
                    double idle = (System.nanoTime() - t0) / 1e9;
                    OptionalLong heap1 = o.measureHeap ? target.heapAfterGc() : OptionalLong.empty();
                    OptionalLong rss1 = target.rss();
                    int n = o.subscribers;
                    Result r = new Result(target.name, n, perConnection(heap0, heap1, n), perConnection(rss0, rss1, n),
                            threads0.orElse(-1), threads1.orElse(-1), Sys.libraryThreads(names), Sys.groupedNames(names),
                            Run.cpuShare(cpu0, cpu1, idle), idle, gen.subscribed(), gen.closed() - closedBefore);
                    Run.log(o, String.format(Locale.ROOT, "%s: heap/conn %s, idle CPU %s%%", r.target(),
                            Table.kb(r.heapPerConnection()), Table.pct(r.idleCpu())));
                    results.add(r);
                }
            }
        }
        return results;
    }

    private static double perConnection(OptionalLong before, OptionalLong after, int n) {
        return before.isPresent() && after.isPresent() ? (after.getAsLong() - before.getAsLong()) / (double) n : Double.NaN;
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S4 idle: %d connections subscribed to one public channel, idle %d s%s",
                o.subscribers, o.idleSeconds, o.inProcess ? " (in-process)" : ""),
                "target", "conns", "heap/conn", "over base", "RSS/conn", "threads", "lib threads", "idle CPU%",
                "subscribed", "lost");
        Result base = results.stream().filter(r -> r.target().equals("tyrus-baseline")).findFirst().orElse(null);
        for (Result r : results) {
            String over = base == null || r == base ? "n/a" : Table.kb(r.heapPerConnection() - base.heapPerConnection());
            t.row(r.target(), r.connections(), Table.kb(r.heapPerConnection()), over, Table.kb(r.rssPerConnection()),
                    r.threadsBefore() < 0 ? "n/a" : r.threadsBefore() + "->" + r.threadsIdle(),
                    r.threadsIdle() < 0 ? "n/a" : Integer.toString(r.libraryThreads().size()),
                    Table.pct(r.idleCpu()), r.subscribedAtEnd(), r.closedDuringIdle());
        }
        t.footer("heap/conn = (live heap after jcmd GC.run with N connected - before any) / N; over base = heap/conn minus"
                + " tyrus-baseline's (library overhead on the same container for jakarta-tyrus); threads = /proc/pid/task"
                + " before connecting -> while idle; lib threads = threads named broadcast-*. Targets: <= 1 KB/conn over"
                + " the container, <= 2 library threads, idle CPU < 1%.");
        for (Result r : results) {
            t.footer("  " + r.target() + " library threads: " + (r.libraryThreads().isEmpty() ? "none" : String.join(", ", r.libraryThreads())));
            if (!r.threadGroups().isEmpty()) {
                t.footer("  " + r.target() + " all threads: " + r.threadGroups());
            }
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
