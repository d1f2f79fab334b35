package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * S2, HTTP API throughput: N connections, each subscribed to its personal channel {@code u<i>}
 * and to the group channel {@code g<i / groupSize>}; P publisher threads, each with one keep-alive
 * connection, send signed triggers (HMAC-SHA256 + body_md5, as {@link Publisher.HttpApi}) to
 * channels drawn uniformly from all personal and group channels. Rate 0 is closed loop (each thread
 * sends its next request when the previous is answered; the marker carries the send time); a rate
 * is open loop over all threads (the marker carries the scheduled time). Measured: triggers
 * accepted per second, refusals, deliveries and trigger-to-delivery latency.
 */
final class ApiThroughput {

    private ApiThroughput() {
    }

    record Result(String target, int rate, int publishers, int batch, long triggers, long errors, long requests,
                  double seconds, long expected, long received, long p50Micros, long p99Micros, long maxMicros,
                  double serverCpu, double generatorCpu) {

        double triggersPerSecond() {
            return triggers / seconds;
        }

        double deliveriesPerSecond() {
            return received / seconds;
        }

        long loss() {
            return expected - received;
        }
    }

    static List<Result> run(Run.Options o) throws Exception {
        Run.requireConnections(o, o.subscribers + o.publishers);
        int n = o.subscribers;
        int groups = (n + o.groupSize - 1) / o.groupSize;
        List<Result> results = new ArrayList<>();
        for (String spec : o.targets) {
            Target candidate = Target.of(spec, o);
            if (spec.equals("baseline")) {
                o.notes.add(candidate.name + " skipped: the raw Tyrus loop has no HTTP trigger API");
                continue;
            }
            try (Target target = Run.start(o, candidate)) {
                if (target == null) {
                    continue;
                }
                LoadGenerator.Config config = Run.config(o, target, n)
                        .channels(i -> List.of("u" + i, "g" + (i / o.groupSize)));
                try (LoadGenerator gen = Run.connect(o, target, config)) {
                    for (int rate : o.rates) {
                        Result r = step(o, target, gen, rate, n, groups);
                        Run.log(o, String.format(Locale.ROOT, "%s rate %s: %.0f triggers/s, %d errors, p99 %s ms, loss %d",
                                target.name, rate == 0 ? "max" : rate, r.triggersPerSecond(), r.errors(),
                                Table.ms(r.p99Micros()), r.loss()));
                        results.add(r);
                    }
                }
            }
        }
        return results;
    }

    /** Counters of one publisher thread; read after it is joined. */
    private static final class Worker {
        long triggers;
        long expected;
        long errors;
        long requests;
        Exception failure;
    }

    private static Result step(Run.Options o, Target target, LoadGenerator gen, int rate, int n, int groups)
            throws Exception {
        int batch = o.batch;
        int threads = o.publishers;
        long period = rate > 0 ? 1_000_000_000L * batch / rate : 0;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureStart = start + TimeUnit.SECONDS.toNanos(o.warmup);
        long measureEnd = measureStart + TimeUnit.SECONDS.toNanos(o.seconds);
        long sendDeadline = measureEnd + TimeUnit.SECONDS.toNanos(o.grace);
        gen.measure(measureStart, measureEnd);
        Worker[] workers = new Worker[threads];
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Worker w = workers[t] = new Worker();
            int slot0 = t;
            running[t] = new Thread(() -> {
                String[] channels = new String[batch];
                int[] sizes = new int[batch];
                String[] data = new String[batch];
                try (Publisher publisher = target.publisher()) {
                    for (long slot = slot0; ; slot += threads) {
                        long at;
                        if (rate > 0) {
                            at = start + slot * period;
                            if (at >= measureEnd || System.nanoTime() > sendDeadline) {
                                break;
                            }
                            Run.parkUntil(at);
                        } else {
                            Run.parkUntil(start);
                            at = System.nanoTime();
                            if (at >= measureEnd) {
                                break;
                            }
                        }
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int k = 0; k < batch; k++) {
                            int c = random.nextInt(n + groups);
                            if (c < n) {
                                channels[k] = "u" + c;
                                sizes[k] = 1;
                            } else {
                                int g = c - n;
                                channels[k] = "g" + g;
                                sizes[k] = Math.min(o.groupSize, n - g * o.groupSize);
                            }
                            data[k] = Run.payload(at, Run.nextSequence(), o.payload);
                        }
                        boolean accepted = publisher.publish(channels, data, batch);
                        w.requests++;
                        if (!accepted) {
                            w.errors += batch;
                        } else if (at >= measureStart) {
                            w.triggers += batch;
                            for (int k = 0; k < batch; k++) {
                                w.expected += sizes[k];
                            }
                        }
                    }
                } catch (Exception e) {
                    w.failure = e;
                }
            }, "publisher-" + t);
            running[t].start();
        }
        Run.parkUntil(measureStart);
        OptionalLong cpu0 = target.cpuNanos();
        OptionalLong gen0 = Run.selfCpu();
        long triggers = 0;
        long expected = 0;
        long errors = 0;
        long requests = 0;
        for (int t = 0; t < threads; t++) {
            running[t].join();
            Worker w = workers[t];
            if (w.failure != null) {
                throw w.failure;
            }
            triggers += w.triggers;
            expected += w.expected;
            errors += w.errors;
            requests += w.requests;
        }
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (gen.measuredReceived() < expected && System.nanoTime() < graceEnd) {
            Thread.sleep(5);
        }
        long stepEnd = System.nanoTime();
        OptionalLong cpu1 = target.cpuNanos();
        OptionalLong gen1 = Run.selfCpu();
        double seconds = o.seconds;
        double window = (stepEnd - measureStart) / 1e9;
        Histogram h = gen.histogram();
        return new Result(target.name, rate, threads, batch, triggers, errors, requests, seconds, expected,
                gen.measuredReceived(), h.quantile(0.5), h.quantile(0.99), h.max(),
                Run.cpuShare(cpu0, cpu1, window), Run.cpuShare(gen0, gen1, window));
    }

    static Table table(Run.Options o, List<Result> results) {
        Table t = new Table(String.format(Locale.ROOT, "S2 HTTP API: %d connections, each on a personal channel and a group"
                        + " channel of %d; signed triggers to random channels from %d keep-alive publishers%s; %d s measured"
                        + " after %d s warm-up%s", o.subscribers, o.groupSize, o.publishers,
                        o.batch > 1 ? ", " + o.batch + " events per batch request" : "", o.seconds, o.warmup,
                        o.inProcess ? " (in-process)" : ""),
                "target", "rate/s", "triggers/s", "errors", "srv CPU%", "trig/core-s", "deliv/s", "p50 ms", "p99 ms",
                "max ms", "loss", "gen CPU%");
        for (Result r : results) {
            t.row(r.target(), r.rate() == 0 ? "max" : Integer.toString(r.rate()), Table.num(r.triggersPerSecond()),
                    r.errors(), Table.pct(r.serverCpu()), Table.num(r.triggersPerSecond() / r.serverCpu()),
                    Table.num(r.deliveriesPerSecond()), Table.ms(r.p50Micros()), Table.ms(r.p99Micros()),
                    Table.ms(r.maxMicros()), r.loss(), Table.pct(r.generatorCpu()));
        }
        t.footer("triggers/s = events accepted (HTTP 200) whose send was in the measured window; rate max = closed loop;"
                + " latency = trigger send (or scheduled) time to delivery; target >= 20,000 triggers/s,"
                + " p99 <= 50 ms at half that rate.");
        for (Result r : results) {
            t.footer(String.format(Locale.ROOT, "  %s rate %s: %d requests, %d measured triggers, expected %d deliveries,"
                    + " received %d", r.target(), r.rate() == 0 ? "max" : r.rate(), r.requests(), r.triggers(),
                    r.expected(), r.received()));
        }
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
