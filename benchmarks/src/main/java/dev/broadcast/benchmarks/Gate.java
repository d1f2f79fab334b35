package dev.broadcast.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GATE, the load a release must pass: {@code --subscribers} connections (1,000) on 170 channels,
 * 120 public, 30 private and 20 presence; every connection on 3 public channels, 1 private and 1
 * presence channel. The HTTP API sends 200 events a second over the public channels, 100 over the
 * private and 40 over the presence ones (batches of 10), and 100 presence members send a client
 * event a second each: about 15,000 deliveries a second for {@code --seconds} (180). Every message
 * is numbered per stream (a channel's API events, or one member's client events on a channel), and
 * every receiver checks its streams: gaps, duplicates and reorders must be 0. Latency counts from
 * when each message was due. The server's live heap (after a full GC) is taken every minute.
 */
final class Gate {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PUBLIC = 120;
    static final int PRIVATE = 30;
    static final int PRESENCE = 20;
    static final int CLIENT_SENDERS = 100;
    /** API events per second to each kind of channel. */
    static final int PUBLIC_RATE = 200;
    static final int PRIVATE_RATE = 100;
    static final int PRESENCE_RATE = 40;

    /** What one receiver saw of one stream. */
    static final class Stream {
        long last;
        final TreeSet<Long> missing = new TreeSet<>();
        long duplicates;
        long reorders;
        long received;

        void accept(long seq) {
            received++;
            if (seq == last + 1) {
                last = seq;
            } else if (seq > last + 1) {
                for (long s = last + 1; s < seq; s++) {
                    missing.add(s);
                }
                last = seq;
            } else if (missing.remove(seq)) {
                reorders++;
            } else {
                duplicates++;
            }
        }
    }

    /** One connection: JDK WebSocket, Pusher protocol, checking every numbered message it gets. */
    static final class Conn implements WebSocket.Listener {
        final int id;
        final List<String> channels;
        final CompletableFuture<String> socketId = new CompletableFuture<>();
        final Map<String, CompletableFuture<Void>> subscribed = new HashMap<>();
        final Map<String, Stream> streams = new HashMap<>();
        final Histogram latency = new Histogram();
        final StringBuilder partial = new StringBuilder();
        volatile long measureFrom = Long.MAX_VALUE;
        WebSocket socket;

        /** The gate's layout: 3 public channels, 1 private and 1 presence (the last). */
        Conn(int id) {
            this(id, List.of("gate-" + (id % PUBLIC), "gate-" + ((id + 40) % PUBLIC), "gate-" + ((id + 80) % PUBLIC),
                    "private-gate-" + (id % PRIVATE), "presence-gate-" + (id % PRESENCE)));
        }

        Conn(int id, List<String> channels) {
            this.id = id;
            this.channels = channels;
            channels.forEach(c -> subscribed.put(c, new CompletableFuture<>()));
        }

        String presenceChannel() {
            return channels.get(4);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    onFrame(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    System.err.println("conn " + id + ": " + e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void onFrame(JsonNode frame) throws Exception {
            String event = frame.path("event").asText();
            String channel = frame.path("channel").asText();
            switch (event) {
                case "pusher:connection_established" ->
                        socketId.complete(JSON.readTree(frame.path("data").asText()).path("socket_id").asText());
                case "pusher:ping" -> send("{\"event\":\"pusher:pong\",\"data\":{}}"); // or closed 4201 after 150 s
                case "pusher_internal:subscription_succeeded" -> subscribed.get(channel).complete(null);
                case "pusher:subscription_error" -> subscribed.get(channel).completeExceptionally(
                        new IllegalStateException(id + ": " + frame));
                case Publisher.EVENT, "client-gate" -> {
                    boolean fromApi = event.equals(Publisher.EVENT);
                    JsonNode body = fromApi ? JSON.readTree(frame.path("data").asText()) : frame.path("data");
                    String stream = channel + (fromApi ? "/api" : "/" + frame.path("user_id").asText());
                    synchronized (this) {
                        streams.computeIfAbsent(stream, s -> new Stream()).accept(body.path("s").asLong());
                        long due = body.path("t").asLong();
                        if (due >= measureFrom) {
                            latency.record((System.nanoTime() - due) / 1000);
                        }
                    }
                }
                default -> { }
            }
        }

        void send(String text) {
            synchronized (socket) {
                socket.sendText(text, true).join();
            }
        }
    }

    record Outcome(int connections, double seconds, long apiEvents, long clientEvents, long expected, long received,
                   long gaps, long duplicates, long reorders, Histogram latency, List<Long> liveHeapKb, List<Long> rssKb) {
    }

    static Outcome run(Run.Options o) throws Exception {
        int n = o.subscribers;
        List<String> args = Target.concat(List.of("--client-events", "true"), o.serverArgs);
        try (Target server = Run.start(o, new Target.Server("server", o.serverJar, args))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Target.APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            HttpClient http = HttpClient.newHttpClient();
            Conn[] conns = new Conn[n];
            for (int i = 0; i < n; i++) {
                conns[i] = new Conn(i);
                conns[i].socket = http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://" + server.host + ":" + server.port + server.subscribePath()), conns[i])
                        .get(10, TimeUnit.SECONDS);
            }
            for (Conn c : conns) {
                subscribe(c, mac);
            }
            for (Conn c : conns) {
                for (CompletableFuture<Void> s : c.subscribed.values()) {
                    s.get(20, TimeUnit.SECONDS);
                }
            }
            Run.log(o, "gate: " + n + " connections subscribed to 5 channels each");

            long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds);
            for (Conn c : conns) {
                c.measureFrom = measureFrom;
            }
            Map<String, Long> apiSeq = new HashMap<>();
            Map<String, Integer> subscribers = new HashMap<>();
            for (Conn c : conns) {
                c.channels.forEach(ch -> subscribers.merge(ch, 1, Integer::sum));
            }
            AtomicLong expected = new AtomicLong();
            AtomicLong apiEvents = new AtomicLong();
            AtomicLong clientEvents = new AtomicLong();
            Thread api = new Thread(() -> publishApi(server, start, end, apiSeq, subscribers, expected, apiEvents), "gate-api");
            long[] clientSeq = new long[Math.min(CLIENT_SENDERS, n)];
            Thread clients = new Thread(() -> sendClientEvents(conns, start, end, subscribers, expected, clientEvents, clientSeq),
                    "gate-client-events");
            api.start();
            clients.start();
            List<Long> liveHeap = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(60_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(30)) {
                    server.heapAfterGc().ifPresent(b -> liveHeap.add(b / 1024));
                    server.rss().ifPresent(b -> rss.add(b / 1024));
                    Run.log(o, String.format(Locale.ROOT, "gate: %.0f s, live heap %s KB, RSS %s KB",
                            (System.nanoTime() - start) / 1e9, last(liveHeap), last(rss)));
                }
            }
            api.join();
            clients.join();
            long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
            while (received(conns) < expected.get() && System.nanoTime() < graceEnd) {
                Thread.sleep(20);
            }
            long gaps = 0;
            long duplicates = 0;
            long reorders = 0;
            Histogram latency = new Histogram();
            Map<String, Long> finalSeq = new HashMap<>(apiSeq);
            for (Conn c : conns) {
                synchronized (c) {
                    for (Stream s : c.streams.values()) {
                        gaps += s.missing.size();
                        duplicates += s.duplicates;
                        reorders += s.reorders;
                    }
                    for (String channel : c.channels) { // the tail of each API stream that never arrived
                        long last = finalSeq.getOrDefault(channel + "/api", 0L);
                        Stream s = c.streams.get(channel + "/api");
                        gaps += Math.max(0, last - (s == null ? 0 : s.last));
                    }
                    for (int k = 0; k < Math.min(CLIENT_SENDERS, conns.length); k++) { // and of each member's client events
                        Conn sender = conns[k];
                        if (sender != c && sender.presenceChannel().equals(c.presenceChannel())) {
                            Stream s = c.streams.get(c.presenceChannel() + "/u" + sender.id);
                            gaps += Math.max(0, clientSeq[k] - (s == null ? 0 : s.last));
                        }
                    }
                    latency.add(c.latency);
                }
            }
            for (Conn c : conns) {
                c.socket.abort();
            }
            return new Outcome(n, o.seconds, apiEvents.get(), clientEvents.get(), expected.get(), received(conns), gaps,
                    duplicates, reorders, latency, liveHeap, rss);
        }
    }

    private static String last(List<Long> values) {
        return values.isEmpty() ? "?" : values.get(values.size() - 1).toString();
    }

    private static long received(Conn[] conns) {
        long total = 0;
        for (Conn c : conns) {
            synchronized (c) {
                for (Stream s : c.streams.values()) {
                    total += s.received;
                }
            }
        }
        return total;
    }

    static void subscribe(Conn c, Mac mac) throws Exception {
        String socketId = c.socketId.get(10, TimeUnit.SECONDS);
        for (String channel : c.channels) {
            String extra = "";
            if (channel.startsWith("private-")) {
                extra = ",\"auth\":\"" + Target.APP_KEY + ":" + sign(mac, socketId + ":" + channel) + "\"";
            } else if (channel.startsWith("presence-")) {
                String data = "{\"user_id\":\"u" + c.id + "\"}";
                extra = ",\"auth\":\"" + Target.APP_KEY + ":" + sign(mac, socketId + ":" + channel + ":" + data)
                        + "\",\"channel_data\":" + TextNode.valueOf(data);
            }
            c.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"" + extra + "}}");
        }
    }

    private static String sign(Mac mac, String text) {
        synchronized (mac) {
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Batches of 10 events, round-robin over each kind of channel, at the kinds' rates. */
    private static void publishApi(Target server, long start, long end, Map<String, Long> seq, Map<String, Integer> subscribers,
            AtomicLong expected, AtomicLong sent) {
        int perSecond = PUBLIC_RATE + PRIVATE_RATE + PRESENCE_RATE;
        long period = 1_000_000_000L * 10 / perSecond;
        int[] next = new int[3];
        try (Publisher publisher = server.publisher()) {
            for (long i = 0; ; i++) {
                long due = start + i * period;
                if (due >= end) {
                    return;
                }
                Run.parkUntil(due);
                String[] channels = new String[10];
                String[] data = new String[10];
                for (int k = 0; k < 10; k++) {
                    long slot = (i * 10 + k) % perSecond;
                    String channel = slot < PUBLIC_RATE ? "gate-" + (next[0]++ % PUBLIC)
                            : slot < PUBLIC_RATE + PRIVATE_RATE ? "private-gate-" + (next[1]++ % PRIVATE)
                            : "presence-gate-" + (next[2]++ % PRESENCE);
                    long s;
                    synchronized (seq) {
                        s = seq.merge(channel + "/api", 1L, Long::sum);
                    }
                    channels[k] = channel;
                    data[k] = "{\\\"s\\\":" + s + ",\\\"t\\\":" + due + "}";
                    expected.addAndGet(subscribers.get(channel));
                }
                if (!publisher.publish(channels, data, 10)) {
                    throw new IllegalStateException("the API refused a batch");
                }
                sent.addAndGet(10);
            }
        } catch (Exception e) {
            System.err.println("gate-api: " + e);
        }
    }

    /** Each of the first {@link #CLIENT_SENDERS} connections sends a client event a second to its presence channel. */
    private static void sendClientEvents(Conn[] conns, long start, long end, Map<String, Integer> subscribers,
            AtomicLong expected, AtomicLong sent, long[] seq) {
        int senders = seq.length;
        long period = 1_000_000_000L / senders;
        for (long i = 0; ; i++) {
            long due = start + i * period;
            if (due >= end) {
                return;
            }
            Run.parkUntil(due);
            int k = (int) (i % senders);
            Conn c = conns[k];
            c.send("{\"event\":\"client-gate\",\"channel\":\"" + c.presenceChannel() + "\",\"data\":{\"s\":" + (++seq[k])
                    + ",\"t\":" + due + "}}");
            expected.addAndGet(subscribers.get(c.presenceChannel()) - 1); // never echoed
            sent.incrementAndGet();
        }
    }

    static Table table(Run.Options o, Outcome r) {
        Table t = new Table(String.format(Locale.ROOT, "GATE: %d connections on %d channels (%d public, %d private,"
                        + " %d presence), API events and client events, %.0f s measured", r.connections(),
                PUBLIC + PRIVATE + PRESENCE, PUBLIC, PRIVATE, PRESENCE, r.seconds()),
                "deliveries/s", "expected", "received", "gaps", "duplicates", "reorders", "p50 ms", "p99 ms", "max ms",
                "live heap KB by minute", "RSS KB by minute");
        double total = r.seconds() + o.warmup;
        t.row(Table.num(r.received() / total), r.expected(), r.received(), r.gaps(), r.duplicates(), r.reorders(),
                Table.num(r.latency().quantile(0.5) / 1000.0), Table.num(r.latency().quantile(0.99) / 1000.0),
                Table.num(r.latency().max() / 1000.0), r.liveHeapKb().toString(), r.rssKb().toString());
        t.footer(String.format(Locale.ROOT, "  %d API events (batches of 10), %d client events; deliveries/s over warm-up"
                + " and measured time; latency of messages due in the measured time only", r.apiEvents(), r.clientEvents()));
        return t;
    }

    private Gate() {
    }
}
