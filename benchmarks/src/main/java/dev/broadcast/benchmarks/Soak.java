package dev.broadcast.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SOAK: {@code --subscribers} connections (5,000), each on a public, a private and a presence
 * channel (100 presence channels, 50 members each), churning: every second {@code --rate} (50)
 * of them disconnect and as many new ones connect and subscribe, while the HTTP API sends 20
 * events a second. Every minute for {@code --seconds} (1,800) it prints the server's RSS, live
 * heap after a full GC, open files and threads: they must stay flat.
 */
final class Soak {

    record Minute(int minute, long rssKb, long liveHeapKb, long openFiles, long threads, long connected, long churned) {
    }

    static List<Minute> run(Run.Options o) throws Exception {
        int n = o.subscribers;
        int churnPerSecond = o.rates[0];
        try (Target server = Run.start(o, new Target.Server("server", o.serverJar, o.serverArgs))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Target.APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("ws://" + server.host + ":" + server.port + server.subscribePath());
            Gate.Conn[] conns = new Gate.Conn[n];
            int[] nextId = {0};
            for (int i = 0; i < n; i++) {
                conns[i] = open(http, uri, mac, nextId[0]++);
            }
            for (Gate.Conn c : conns) {
                awaitSubscribed(c);
            }
            Run.log(o, "soak: " + n + " connections subscribed; churning " + churnPerSecond + "/s for " + o.seconds + " s");
            List<Minute> minutes = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(o.seconds);
            long churned = 0;
            long events = 0;
            try (Publisher publisher = server.publisher()) {
                for (long second = 1; System.nanoTime() < end; second++) {
                    for (int k = 0; k < churnPerSecond; k++) {
                        int slot = ThreadLocalRandom.current().nextInt(n);
                        conns[slot].socket.abort();
                        conns[slot] = open(http, uri, mac, nextId[0]++);
                        churned++;
                    }
                    for (int k = 0; k < 20; k++) {
                        publisher.publish("soak-" + (events++ % 100));
                    }
                    Run.parkUntil(start + TimeUnit.SECONDS.toNanos(second));
                    if (second % 60 == 0) {
                        int connected = 0;
                        for (Gate.Conn c : conns) {
                            connected += c.subscribed.values().stream().allMatch(CompletableFuture::isDone) ? 1 : 0;
                        }
                        Minute m = new Minute((int) (second / 60), server.rss().orElse(0) / 1024,
                                server.heapAfterGc().orElse(0) / 1024, openFiles(server), server.threadCount().orElse(0),
                                connected, churned);
                        minutes.add(m);
                        System.err.printf(Locale.ROOT, "soak minute %d: RSS %d KB, live heap %d KB, open files %d,"
                                + " threads %d, subscribed %d of %d, churned %d%n", m.minute(), m.rssKb(), m.liveHeapKb(),
                                m.openFiles(), m.threads(), connected, n, churned);
                    }
                }
            }
            for (Gate.Conn c : conns) {
                c.socket.abort();
            }
            return minutes;
        }
    }

    private static Gate.Conn open(HttpClient http, URI uri, Mac mac, int id) throws Exception {
        Gate.Conn c = new Gate.Conn(id, List.of("soak-" + (id % 100), "private-soak-" + (id % 100),
                "presence-soak-" + (id % 100)));
        c.socket = http.newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        Gate.subscribe(c, mac);
        return c;
    }

    private static void awaitSubscribed(Gate.Conn c) throws Exception {
        for (CompletableFuture<Void> s : c.subscribed.values()) {
            s.get(30, TimeUnit.SECONDS);
        }
    }

    private static long openFiles(Target server) {
        if (server.process == null) {
            return -1;
        }
        try (var files = Files.list(Path.of("/proc", Long.toString(server.process.pid()), "fd"))) {
            return files.count();
        } catch (Exception e) {
            return -1;
        }
    }

    static Table table(Run.Options o, List<Minute> minutes) {
        Table t = new Table(String.format(Locale.ROOT, "SOAK: %d connections (public, private and presence channel each),"
                + " %d disconnecting and %d connecting a second, 20 API events a second, %d s", o.subscribers, o.rates[0],
                o.rates[0], o.seconds), "minute", "RSS KB", "live heap KB", "open files", "threads", "subscribed", "churned");
        for (Minute m : minutes) {
            t.row(m.minute(), m.rssKb(), m.liveHeapKb(), m.openFiles(), m.threads(), m.connected(), m.churned());
        }
        return t;
    }

    private Soak() {
    }
}
