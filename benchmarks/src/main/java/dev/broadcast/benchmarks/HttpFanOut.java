package dev.broadcast.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP: fan-out to pusher-js's HTTP transport ({@code xhr_streaming}) beside WebSockets, on one
 * public channel of the standalone server, at {@code --rate} messages a second: three steps,
 * {@code --subscribers} WebSocket clients alone, as many {@code xhr_streaming} clients alone,
 * then both together. Each step reports per transport the deliveries a second and the latency
 * from publish to receipt, and the server's CPU per delivery. The clients are the JDK's
 * WebSocket and HttpClient (HTTP/1.1, one streaming response per client, sends as posts), and
 * speak the protocol as pusher-js does: they subscribe, answer heartbeats and rotate a stream
 * after 256 KiB.
 */
final class HttpFanOut {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBSCRIBE = "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + Publisher.CHANNEL + "\"}}";

    /** One step's figures. */
    record Step(String name, int ws, int http, double wsPerSecond, double httpPerSecond, Histogram wsLatency,
                Histogram httpLatency, double cpuMicrosPerDelivery, long missing) {
    }

    /** Counts and latencies of one transport's clients. */
    static final class Tally {
        final AtomicLong received = new AtomicLong();
        final Histogram latency = new Histogram();
        volatile long measureFrom = Long.MAX_VALUE;

        void got(String data) {
            long now = System.nanoTime();
            int t = data.indexOf("t=");
            if (t < 0) {
                return;
            }
            int end = data.indexOf(';', t);
            long sent = Long.parseLong(data.substring(t + 2, end < 0 ? data.length() : end));
            if (sent >= measureFrom) {
                received.incrementAndGet();
                synchronized (latency) {
                    latency.record((now - sent) / 1000);
                }
            }
        }
    }

    static List<Step> run(Run.Options o) throws Exception {
        int n = o.subscribers;
        List<Step> steps = new ArrayList<>();
        try (Target server = Run.start(o, new Target.Server("server", o.serverJar, o.serverArgs))) {
            for (String step : List.of("ws", "http", "both")) {
                steps.add(step(o, server, step, step.equals("http") ? 0 : n, step.equals("ws") ? 0 : n));
                Thread.sleep(2_000); // the previous step's clients leave
            }
        }
        return steps;
    }

    private static Step step(Run.Options o, Target server, String name, int wsCount, int httpCount) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Tally ws = new Tally();
        Tally streaming = new Tally();
        List<WebSocket> sockets = new ArrayList<>();
        List<StreamClient> streams = new ArrayList<>();
        for (int i = 0; i < wsCount; i++) {
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            sockets.add(http.newWebSocketBuilder().buildAsync(
                    URI.create("ws://" + server.host + ":" + server.port + server.subscribePath()), new WsClient(ws, subscribed))
                    .get(10, TimeUnit.SECONDS));
            subscribed.get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < httpCount; i++) {
            StreamClient client = new StreamClient(http, "http://" + server.host + ":" + server.port + "/pusher/app/"
                    + Target.APP_KEY + "/" + (i % 1000) + "/" + session(i), streaming);
            client.open();
            streams.add(client);
            client.subscribed.get(10, TimeUnit.SECONDS);
        }
        Run.log(o, "http: step " + name + ": " + wsCount + " WebSocket and " + httpCount + " xhr_streaming clients subscribed");

        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds);
        ws.measureFrom = measureFrom;
        streaming.measureFrom = measureFrom;
        Paced paced;
        try (Publisher publisher = server.publisher()) {
            paced = publish(o, publisher, server::cpuNanos, start, measureFrom, end);
        }
        long published = paced.published();
        OptionalLong cpu0 = paced.cpuAtMeasureFrom();
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (ws.received.get() + streaming.received.get() < published * (wsCount + httpCount) && System.nanoTime() < graceEnd) {
            Thread.sleep(20);
        }
        OptionalLong cpu1 = server.cpuNanos();
        long deliveries = ws.received.get() + streaming.received.get();
        double cpuPerDelivery = cpu0.isPresent() && cpu1.isPresent() && deliveries > 0
                ? (cpu1.getAsLong() - cpu0.getAsLong()) / 1000.0 / deliveries : Double.NaN;
        long missing = published * (wsCount + httpCount) - deliveries;
        sockets.forEach(WebSocket::abort);
        streams.forEach(StreamClient::close);
        return new Step(name, wsCount, httpCount, ws.received.get() / (double) o.seconds,
                streaming.received.get() / (double) o.seconds, ws.latency, streaming.latency, cpuPerDelivery, missing);
    }

    /** What {@link #publish} did: the events sent from {@code measureFrom} on, and the server's CPU then. */
    record Paced(long published, OptionalLong cpuAtMeasureFrom) {
    }

    /**
     * Publishes {@code t=<nanoTime>;<padding>} events through {@code publisher} at
     * {@code o.rates[0]} a second from {@code start} until {@code end}, reading the server's CPU
     * with {@code cpu} when the measured window opens at {@code measureFrom}.
     */
    static Paced publish(Run.Options o, Publisher publisher, java.util.function.Supplier<OptionalLong> cpu, long start,
                         long measureFrom, long end) throws Exception {
        long published = 0;
        OptionalLong cpu0 = OptionalLong.empty();
        String pad = "x".repeat(Math.max(0, o.payload - 24));
        long next = start;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now < next) {
                Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000));
                continue;
            }
            if (cpu0.isEmpty() && now >= measureFrom) {
                cpu0 = cpu.get();
            }
            long sent = System.nanoTime();
            publisher.publish("t=" + sent + ";" + pad);
            if (sent >= measureFrom) {
                published++;
            }
            next += 1_000_000_000L / o.rates[0];
        }
        return new Paced(published, cpu0);
    }

    /** pusher-js's session name: 8 characters of [0-9a-v]. */
    private static String session(int i) {
        String digits = Integer.toString(i, 32);
        return "0".repeat(8 - digits.length()) + digits;
    }

    /** A WebSocket client on the bench channel. */
    static final class WsClient implements WebSocket.Listener {
        private final Tally tally;
        private final CompletableFuture<Void> subscribed;
        private final StringBuilder partial = new StringBuilder();

        WsClient(Tally tally, CompletableFuture<Void> subscribed) {
            this.tally = tally;
            this.subscribed = subscribed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(socket, text);
            }
            socket.request(1);
            return null;
        }

        private void handle(WebSocket socket, String text) {
            try {
                JsonNode message = JSON.readTree(text);
                switch (message.path("event").asText()) {
                    case "pusher:connection_established" -> socket.sendText(SUBSCRIBE, true);
                    case "pusher_internal:subscription_succeeded" -> subscribed.complete(null);
                    case "pusher:ping" -> socket.sendText("{\"event\":\"pusher:pong\",\"data\":{}}", true);
                    case Publisher.EVENT -> tally.got(message.path("data").asText());
                    default -> {
                    }
                }
            } catch (Exception e) {
                subscribed.completeExceptionally(e);
            }
        }
    }

    /** An {@code xhr_streaming} client: one streaming response at a time, sends as posts. */
    private static final class StreamClient {
        private final HttpClient http;
        private final String base;
        private final Tally tally;
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        private volatile CompletableFuture<?> response;
        private long chars;

        StreamClient(HttpClient http, String base, Tally tally) {
            this.http = http;
            this.base = base;
            this.tally = tally;
        }

        void open() {
            chars = 0;
            response = http.sendAsync(post(base + "/xhr_streaming?protocol=7&client=java&version=1", ""),
                    HttpResponse.BodyHandlers.fromLineSubscriber(new Lines(this)));
        }

        void send(String json) {
            http.sendAsync(post(base + "/xhr_send", json), HttpResponse.BodyHandlers.discarding());
        }

        private static HttpRequest post(String uri, String body) {
            return HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        void line(String line) {
            chars += line.length() + 1;
            if (line.startsWith("a")) {
                try {
                    for (JsonNode text : JSON.readTree(line.substring(1))) {
                        JsonNode message = JSON.readTree(text.asText());
                        switch (message.path("event").asText()) {
                            case "pusher:connection_established" -> send(JSON.writeValueAsString(List.of(SUBSCRIBE)));
                            case "pusher_internal:subscription_succeeded" -> subscribed.complete(null);
                            case Publisher.EVENT -> tally.got(message.path("data").asText());
                            default -> {
                            }
                        }
                    }
                } catch (Exception e) {
                    subscribed.completeExceptionally(e);
                }
            } else if (line.startsWith("h")) {
                send("[]");
            }
            if (chars > 256 * 1024) { // as pusher-js: the next stream of the session
                CompletableFuture<?> old = response;
                open();
                old.cancel(true);
            }
        }

        void close() {
            response.cancel(true);
        }
    }

    /** Hands each line of one streaming response to its client. */
    private static final class Lines implements Flow.Subscriber<String> {
        private final StreamClient client;
        private Flow.Subscription subscription;

        Lines(StreamClient client) {
            this.client = client;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            client.line(line);
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }

    static Table table(Run.Options o, List<Step> steps) {
        Table t = new Table(String.format(Locale.ROOT, "HTTP: WebSocket and xhr_streaming clients on one public channel, %d msgs/s,"
                + " %d B payload, %d s measured", o.rates[0], o.payload, o.seconds),
                "step", "ws clients", "xhr clients", "ws deliveries/s", "ws p50/p99 ms", "xhr deliveries/s", "xhr p50/p99 ms",
                "server CPU us/delivery", "missing");
        for (Step s : steps) {
            t.row(s.name(), s.ws(), s.http(), String.format(Locale.ROOT, "%.0f", s.wsPerSecond()), ms(s.ws(), s.wsLatency()),
                    String.format(Locale.ROOT, "%.0f", s.httpPerSecond()), ms(s.http(), s.httpLatency()),
                    String.format(Locale.ROOT, "%.2f", s.cpuMicrosPerDelivery()), s.missing());
        }
        t.footer("latency from publish (before the API request) to receipt; CPU per delivery = the server process's CPU"
                + " time over the measured window / deliveries of both transports");
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }

    private static String ms(int clients, Histogram latency) {
        return clients == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", latency.quantile(0.50) / 1000.0,
                latency.quantile(0.99) / 1000.0);
    }
}
