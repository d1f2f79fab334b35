package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * S5, connect storm: N clients connect, upgrade, get {@code connection_established}, subscribe and
 * get {@code subscription_succeeded} as fast as the load generator opens them (at most
 * {@code --max-connecting} in flight). Measured: time from the first connect to the last
 * subscription, subscribed connections per second, connect-to-subscribed latency per connection
 * (from its TCP connect; time spent waiting for a slot under the in-flight cap is not in it, but is
 * in the total), failures and server CPU during the storm. {@code --storms K} repeats the storm on
 * the same server (the first one meets a cold JIT).
 */
final class ConnectStorm {

    private ConnectStorm() {
    }

    record Result(String target, int storm, int clients, int maxConnecting, int subscribed, int failed, double seconds,
                  long p50Micros, long p99Micros, long maxMicros, double serverCpu, double generatorCpu) {

        double perSecond() {
            return subscribed / seconds;
        }

        int unfinished() {
            return clients - subscribed - failed;
        }
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
                    Thread.sleep(500);
                }
                for (int storm = 1; storm <= o.storms; storm++) {
                    if (storm > 1) {
                        Thread.sleep(1000); // the previous clients' closes are done
                    }
                    OptionalLong cpu0 = target.cpuNanos();
                    OptionalLong gen0 = Run.selfCpu();
                    try (LoadGenerator gen = new LoadGenerator(Run.config(o, target, o.subscribers))) {
                        gen.awaitSubscribed(o.connectTimeout, TimeUnit.SECONDS);
                        long end = gen.subscribed() == o.subscribers ? gen.lastSubscribedNanos() : System.nanoTime();
                        double seconds = (end - gen.startNanos()) / 1e9;
                        double wall = (System.nanoTime() - gen.startNanos()) / 1e9;
                        OptionalLong cpu1 = target.cpuNanos();
                        OptionalLong gen1 = Run.selfCpu();
                        Histogram h = gen.connectHistogram();
                        Result r = new Result(target.name, storm, o.subscribers, o.maxConnecting, gen.subscribed(),
                                gen.failed(), seconds, h.quantile(0.5), h.quantile(0.99), h.max(),
                                Run.cpuShare(cpu0, cpu1, wall), Run.cpuShare(gen0, gen1, wall));
                        Run.log(o, String.format(Locale.ROOT, "%s storm %d: %d subscribed in %.2f s (%.0f/s), %d failed",
                                r.target(), storm, r.subscribed(), r.seconds(), r.perSecond(), r.failed()));
                        results.add(r);
                    }
                }
            }
        }
        return results;
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S5 connect storm: %d clients connect + subscribe, at most %d connects"
                + " in flight%s", o.subscribers, o.maxConnecting, o.inProcess ? " (in-process)" : ""),
                "target", "storm", "clients", "subscribed", "all in s", "subscribed/s", "p50 ms", "p99 ms", "max ms", "failures",
                "unfinished", "srv CPU%", "gen CPU%", "x base");
        for (Result r : results) {
            Result base = results.stream().filter(b -> b.target().equals("tyrus-baseline") && b.storm() == r.storm())
                    .findFirst().orElse(null);
            t.row(r.target(), r.storm() == 1 ? "1 cold" : r.storm() + " warm", r.clients(), r.subscribed(), Table.fmt(r.seconds()), Table.num(r.perSecond()),
                    Table.ms(r.p50Micros()), Table.ms(r.p99Micros()), Table.ms(r.maxMicros()), r.failed(), r.unfinished(),
                    Table.pct(r.serverCpu()), Table.pct(r.generatorCpu()),
                    base == null ? "n/a" : Table.fmt(r.perSecond() / base.perSecond()));
        }
        t.footer("storm 1 hits a freshly started server (cold JIT); later storms reconnect the same number of clients"
                + " to the same server after the previous ones closed.");
        t.footer("all in s = first connect to last subscription_succeeded (all clients) or to the timeout; p50/p99/max ="
                + " per-connection TCP connect -> subscribed; x base = subscribed/s relative to tyrus-baseline."
                + " Targets: all " + o.subscribers + " in <= 4 s with 0 failures; >= 0.9x the raw container.");
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
