package dev.broadcast.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.broadcast.redis.RedisProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * S7 presence churn: {@code --subscribers} connections (2,000 by default) spread over two server
 * processes on one {@code redis-server} join and leave one presence channel for {@code --seconds}
 * (60 by default), at most 80 members at a time (the channel's limit is 100). Two observers, one
 * per node, record every {@code member_added} and {@code member_removed}; afterwards each
 * observer's replayed roster, and the roster both nodes' HTTP APIs answer, must equal the users
 * still in, and every join and leave must have reached each observer exactly once.
 */
final class PresenceChurn {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CHANNEL = "presence-churn";
    static final int MAX_PRESENT = 80;

    /** One client connection, JDK WebSocket, Pusher protocol. */
    static final class Client implements WebSocket.Listener {
        final String user;
        final ConcurrentLinkedQueue<JsonNode> events = new ConcurrentLinkedQueue<>();
        final CompletableFuture<String> socketId = new CompletableFuture<>();
        volatile CompletableFuture<JsonNode> subscribed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        Client(String user) {
            this.user = user;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    String event = frame.path("event").asText();
                    switch (event) {
                        case "pusher:connection_established" ->
                                socketId.complete(JSON.readTree(frame.path("data").asText()).path("socket_id").asText());
                        case "pusher_internal:subscription_succeeded" -> subscribed.complete(frame);
                        case "pusher:subscription_error" -> subscribed.completeExceptionally(
                                new IllegalStateException(user + ": " + frame));
                        case "pusher_internal:member_added", "pusher_internal:member_removed" -> events.add(frame);
                        default -> { }
                    }
                } catch (Exception e) {
                    subscribed.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        void send(String text) {
            synchronized (this) {
                socket.sendText(text, true).join();
            }
        }
    }

    record Outcome(long joins, long leaves, long refused, List<String> observerChecks, Set<String> expected,
                   List<Set<String>> apiRosters, double seconds) {
    }

    static Outcome run(Run.Options o) throws Exception {
        int connections = o.subscribers;
        int seconds = o.seconds;
        try (RedisProcess redis = RedisProcess.start()) {
            List<String> args = Target.concat(List.of("--redis-url", redis.url()), o.serverArgs);
            try (Target a = Run.start(o, new Target.Server("node A", o.serverJar, args));
                 Target b = Run.start(o, new Target.Server("node B", o.serverJar, args))) {
                List<Target> nodes = List.of(a, b);
                HttpClient http = HttpClient.newHttpClient();
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Target.APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                Client[] observers = {new Client("observer-a"), new Client("observer-b")};
                for (int i = 0; i < 2; i++) {
                    open(http, nodes.get(i), observers[i]);
                    join(observers[i], mac);
                }
                Client[] users = new Client[connections];
                for (int i = 0; i < connections; i++) {
                    users[i] = new Client("u" + i);
                    open(http, nodes.get(i % 2), users[i]);
                }
                Run.log(o, "churn: " + connections + " connections open on 2 nodes; churning for " + seconds + " s");
                AtomicLong joins = new AtomicLong();
                AtomicLong leaves = new AtomicLong();
                AtomicLong refused = new AtomicLong();
                long[] joinsOf = new long[connections];
                long[] leavesOf = new long[connections];
                boolean[] in = new boolean[connections];
                Object lock = new Object();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                long t0 = System.nanoTime();
                List<Thread> workers = new ArrayList<>();
                AtomicInteger failures = new AtomicInteger();
                for (int w = 0; w < MAX_PRESENT; w++) {
                    Thread worker = new Thread(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (System.nanoTime() < deadline) {
                            int i;
                            synchronized (lock) {
                                do {
                                    i = random.nextInt(connections);
                                } while (in[i]);
                                in[i] = true;
                            }
                            try {
                                join(users[i], mac);
                                joins.incrementAndGet();
                                joinsOf[i]++;
                                sleep(random.nextInt(20, 400));
                                if (System.nanoTime() >= deadline && random.nextBoolean()) {
                                    return; // stays in: the final roster is not empty
                                }
                                users[i].send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"" + CHANNEL + "\"}}");
                                leaves.incrementAndGet();
                                leavesOf[i]++;
                            } catch (Exception e) {
                                refused.incrementAndGet();
                                if (failures.incrementAndGet() <= 3) {
                                    System.err.println("churn: " + e.getMessage());
                                }
                            }
                            synchronized (lock) {
                                in[i] = false;
                            }
                            sleep(random.nextInt(0, 50));
                        }
                    }, "churn-" + w);
                    worker.start();
                    workers.add(worker);
                }
                for (Thread worker : workers) {
                    worker.join();
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                Set<String> expected = new TreeSet<>(List.of("observer-a", "observer-b"));
                synchronized (lock) {
                    for (int i = 0; i < connections; i++) {
                        if (joinsOf[i] > leavesOf[i]) {
                            expected.add(users[i].user);
                        }
                    }
                }
                sleep(3000); // the last changes reach every node
                List<String> checks = new ArrayList<>();
                for (Client observer : observers) {
                    checks.add(check(observer, users, joinsOf, leavesOf, expected));
                }
                List<Set<String>> apiRosters = new ArrayList<>();
                for (Target node : nodes) {
                    apiRosters.add(apiRoster(node));
                }
                for (Client c : users) {
                    c.socket.abort();
                }
                for (Client c : observers) {
                    c.socket.abort();
                }
                return new Outcome(joins.get(), leaves.get(), refused.get(), checks, expected, apiRosters, elapsed);
            }
        }
    }

    private static void open(HttpClient http, Target node, Client client) {
        client.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + node.host + ":" + node.port + node.subscribePath()), client).join();
        client.socketId.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static void join(Client client, Mac mac) throws Exception {
        client.subscribed = new CompletableFuture<>();
        String data = "{\"user_id\":\"" + client.user + "\",\"user_info\":{\"n\":\"" + client.user + "\"}}";
        String signature;
        synchronized (mac) {
            signature = HexFormat.of().formatHex(mac.doFinal((client.socketId.join() + ":" + CHANNEL + ":" + data)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        client.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + CHANNEL + "\",\"auth\":\""
                + Target.APP_KEY + ":" + signature + "\",\"channel_data\":" + TextNode.valueOf(data) + "}}");
        client.subscribed.get(10, TimeUnit.SECONDS);
    }

    /**
     * Replays what {@code observer} saw: from its own {@code subscription_succeeded} roster, each
     * added user must be absent and each removed user present; each user's adds and removes must
     * equal its joins and leaves; the result must equal {@code expected}.
     */
    private static String check(Client observer, Client[] users, long[] joinsOf, long[] leavesOf, Set<String> expected)
            throws Exception {
        Set<String> roster = new LinkedHashSet<>();
        JsonNode own = JSON.readTree(observer.subscribed.join().path("data").asText());
        own.path("presence").path("ids").forEach(id -> roster.add(id.asText()));
        java.util.Map<String, long[]> seen = new java.util.HashMap<>();
        long duplicates = 0;
        long strays = 0;
        for (JsonNode event : observer.events) {
            String user = JSON.readTree(event.path("data").asText()).path("user_id").asText();
            boolean added = event.path("event").asText().endsWith("member_added");
            seen.computeIfAbsent(user, u -> new long[2])[added ? 0 : 1]++;
            if (added ? !roster.add(user) : !roster.remove(user)) {
                if (added) {
                    duplicates++;
                } else {
                    strays++;
                }
            }
        }
        long missing = 0;
        long extra = 0;
        for (int i = 0; i < users.length; i++) {
            long[] s = seen.getOrDefault(users[i].user, new long[2]);
            missing += Math.max(0, joinsOf[i] - s[0]) + Math.max(0, leavesOf[i] - s[1]);
            extra += Math.max(0, s[0] - joinsOf[i]) + Math.max(0, s[1] - leavesOf[i]);
        }
        long adds = observer.events.stream().filter(e -> e.path("event").asText().endsWith("added")).count();
        return String.format(Locale.ROOT, "%s: %d member_added, %d member_removed; missing %d, extra %d,"
                        + " added while present %d, removed while absent %d; replayed roster %s (%d)",
                observer.user, adds, observer.events.size() - adds, missing, extra, duplicates, strays,
                new TreeSet<>(roster).equals(expected) ? "= expected" : "DIFFERS", roster.size());
    }

    private static Set<String> apiRoster(Target node) throws Exception {
        Publisher.HttpApi api = new Publisher.HttpApi(node.host, node.port, Target.APP_ID, Target.APP_KEY, Target.APP_SECRET);
        try {
            String body = api.get("/apps/" + Target.APP_ID + "/channels/" + CHANNEL + "/users");
            Set<String> ids = new TreeSet<>();
            JSON.readTree(body).path("users").forEach(u -> ids.add(u.path("id").asText()));
            return ids;
        } finally {
            api.close();
        }
    }

    static Table table(Run.Options o, Outcome r) {
        Table t = new Table(String.format(Locale.ROOT, "S7 presence churn: %d connections over 2 nodes + Redis, one presence"
                        + " channel, at most %d members at a time, %.0f s", o.subscribers, MAX_PRESENT, r.seconds()),
                "joins", "leaves", "refused", "joins/s", "final roster", "node A API", "node B API");
        t.row(r.joins(), r.leaves(), r.refused(), Table.num(r.joins() / r.seconds()), r.expected().size(),
                r.apiRosters().get(0).equals(r.expected()) ? "= expected" : "DIFFERS " + r.apiRosters().get(0).size(),
                r.apiRosters().get(1).equals(r.expected()) ? "= expected" : "DIFFERS " + r.apiRosters().get(1).size());
        r.observerChecks().forEach(c -> t.footer("  " + c));
        t.footer("  expected = the two observers plus the users whose last join was not followed by a leave");
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PresenceChurn() {
    }
}
