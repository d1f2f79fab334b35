package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.Channel;
import dev.broadcast.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Actuator on the running shop: the {@code broadcast} health indicator counts a real client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
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

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return new ObjectMapper().readTree(response.body());
    }
}
