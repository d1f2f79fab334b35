package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.Channel;
import dev.broadcast.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Actuator on the running shop: the {@code broadcast} health indicator and the Prometheus meters
 * count a real client and a real broadcast.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Boot's tests turn metrics export off unless asked for; this asks on Boot 3 and 4 alike
        properties = "management.prometheus.metrics.export.enabled=true")
class ActuatorTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthShowsTheHubUpWithItsConnections() throws Exception {
        JsonNode before = get("/actuator/health");
        assertEquals("UP", before.at("/components/broadcast/status").asText(), before::toString);
        assertEquals(0, before.at("/components/broadcast/details/connections").asInt(), before::toString);

        try (TestClient page = TestClient.connect(URI.create("ws://127.0.0.1:" + port), "shop-key")) {
            page.subscribe(Channel.of("shipments")).assertSucceeded();
            JsonNode during = get("/actuator/health");
            assertEquals(1, during.at("/components/broadcast/details/connections").asInt(), during::toString);
            assertEquals(1, during.at("/components/broadcast/details/subscriptions").asInt(), during::toString);
        }
    }

    @Test
    void prometheusShowsTheMetersMoveWhenAPageConnectsAndAnOrderShips() throws Exception {
        Map<String, Double> before = scrape();
        for (String meter : List.of("broadcast_connections", "broadcast_channels", "broadcast_subscriptions",
                "broadcast_messages_in_total", "broadcast_messages_out_total", "broadcast_bytes_in_bytes_total",
                "broadcast_bytes_out_bytes_total", "broadcast_deliveries_total",
                "broadcast_closes_total{code=\"4100\",reason=\"slow-consumer\"}", "broadcast_webhooks_total{outcome=\"failed\"}",
                "broadcast_api_requests_total{status=\"200\"}")) {
            assertTrue(before.containsKey(meter), () -> meter + " is not in /actuator/prometheus: " + before.keySet());
        }
        try (TestClient page = TestClient.connect(URI.create("ws://127.0.0.1:" + port), "shop-key")) {
            page.subscribe(Channel.of("shipments")).assertSucceeded();
            HttpResponse<String> shipped = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/1/ship?carrier=DHL"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, shipped.statusCode(), shipped.body());
            page.assertReceived("shipments", "order.shipped");

            // the meters read a snapshot of the hub's counters at most BroadcastMetrics.SNAPSHOT_TTL old
            Map<String, Double> after = before;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (after.get("broadcast_connections") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                after = scrape();
            }
            assertEquals(before.get("broadcast_connections") + 1, after.get("broadcast_connections"), "connections");
            assertEquals(before.get("broadcast_subscriptions") + 1, after.get("broadcast_subscriptions"), "subscriptions");
            assertEquals(before.get("broadcast_deliveries_total") + 1, after.get("broadcast_deliveries_total"),
                    "one delivery: the page on shipments (nobody is on the private channel)");
            assertTrue(after.get("broadcast_messages_in_total") > before.get("broadcast_messages_in_total"), "the subscribe came in");
            assertTrue(after.get("broadcast_bytes_in_bytes_total") > before.get("broadcast_bytes_in_bytes_total"), "bytes in");
            assertTrue(after.get("broadcast_messages_out_total") >= before.get("broadcast_messages_out_total") + 3,
                    "connection_established, subscription_succeeded and the event went out");
            assertTrue(after.get("broadcast_bytes_out_bytes_total") > before.get("broadcast_bytes_out_bytes_total"), "bytes out");
        }
    }

    /** {@code /actuator/prometheus} as meter (with its labels) → value, for the broadcast meters. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        Map<String, Double> meters = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("broadcast_")) {
                int space = line.lastIndexOf(' ');
                meters.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return meters;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return new ObjectMapper().readTree(response.body());
    }
}
