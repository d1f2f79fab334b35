package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code --metrics-port}: Prometheus's text format on a port of its own, values that move. */
class MetricsTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private BroadcastServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theMetersMoveWhenAClientConnectsAndAnEventIsSent() throws Exception {
        server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--metrics-port", "0"}, Map.of()));
        String before = scrape();
        assertEquals(0, value(before, "broadcast_connections"), before);
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage",
                "process_uptime_seconds", "process_files_open_files", "broadcast_closes_total{code=\"4100\"")) {
            assertTrue(before.contains(jvm), jvm + " in\n" + before);
        }

        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/app/app-key?protocol=7"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        messages.add(data.toString());
                        webSocket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).join();
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("connection_established"));
        socket.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"news\"}}", true).join();
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("subscription_succeeded"));
        server.hub().trigger("app-id", List.of("news"), "tick", "{}", null);
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("tick"));

        String after = awaitScrape(text -> value(text, "broadcast_connections") == 1
                && value(text, "broadcast_deliveries_total") > value(before, "broadcast_deliveries_total"));
        assertEquals(1, value(after, "broadcast_connections"), after);
        assertEquals(1, value(after, "broadcast_channels"), after);
        assertTrue(value(after, "broadcast_deliveries_total") >= 1, after);
        assertTrue(value(after, "broadcast_messages_in_total") > value(before, "broadcast_messages_in_total"), after);
        socket.abort();
    }

    @Test
    void theMetersAreOnTheirPortOnly() throws Exception {
        server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--metrics-port", "0"}, Map.of()));
        assertEquals(404, get(server.port(), "/metrics").statusCode(), "not on the port clients reach");
        HttpResponse<String> other = get(server.metricsPort().getAsInt(), "/");
        assertEquals(404, other.statusCode());
        assertTrue(other.body().contains("/metrics"), other.body());
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort().getAsInt()
                + "/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void withoutTheOptionThereIsNoMetricsPortAndABadOneIsRefused() throws Exception {
        server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0"}, Map.of()));
        assertTrue(server.metricsPort().isEmpty());
        assertEquals(404, get(server.port(), "/metrics").statusCode());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--port", "9000", "--metrics-port", "9000"}, Map.of()));
        assertEquals("--metrics-port 9000 is --port: the meters get a port of their own", same.getMessage());
        assertEquals(65535, ServerOptions.parse(new String[] {"--metrics-port", "65535"}, Map.of()).metricsPort().getAsInt());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--metrics-port", "65536"}, Map.of()));
        assertEquals("metrics-port must be between 0 and 65535: 65536", past.getMessage());
    }

    /** Every series the sample Grafana dashboard (docs/grafana-dashboard.json) queries is served. */
    @Test
    void theSampleDashboardQueriesOnlyMetersTheServerHas() throws Exception {
        server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--metrics-port", "0"}, Map.of()));
        System.gc(); // the GC pause timer appears with the first collection
        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.nio.file.Path.of("..", "docs", "grafana-dashboard.json").toFile());
        java.util.Set<String> queried = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.path("panels")) {
            for (com.fasterxml.jackson.databind.JsonNode target : panel.path("targets")) {
                Matcher name = Pattern.compile("\\b((?:broadcast|jvm|process|system)_[a-z_]+)").matcher(target.path("expr").asText());
                while (name.find()) {
                    queried.add(name.group(1));
                }
            }
        }
        assertTrue(queried.size() >= 15, queried::toString);
        String text = awaitScrape(t -> t.contains("jvm_gc_pause_seconds_sum"));
        for (String series : queried) {
            assertTrue(Pattern.compile("(?m)^" + series + "[{ ]").matcher(text).find(), series + " is not served");
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get(server.metricsPort().getAsInt(), "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    /** Scrapes until {@code moved} holds, for at most 5 s (the meters read stats at most a second old). */
    private String awaitScrape(java.util.function.Predicate<String> moved) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String text = scrape();
        while (!moved.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            text = scrape();
        }
        return text;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code name} without labels (or the sum of its labelled samples). */
    private static double value(String text, String name) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (sample.find()) {
            sum += Double.parseDouble(sample.group(2));
            found = true;
        }
        if (!found) {
            throw new AssertionError(name + " not in\n" + text);
        }
        return sum;
    }
}
