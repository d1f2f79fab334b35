package dev.broadcast.samples.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.broadcast.Channel;
import dev.broadcast.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * docs/jakarta.md's recipe in Spring Boot's embedded Tomcat without the starter: the endpoint is
 * deployed although Boot starts its WebSocket support after the initializers, a browser receives
 * the broadcast, and the HTTP API answers {@code /up}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JakartaRecipeTest {

    @LocalServerPort
    int port;

    @Autowired
    ShippingService shipping;

    @Test
    void aBrowserReceivesTheShipmentFromTheEmbeddedTomcat() throws Exception {
        try (TestClient browser = TestClient.connect(URI.create("ws://127.0.0.1:" + port), "shop-key")) {
            browser.subscribe(Channel.of("orders.9")).assertSucceeded();
            shipping.ship(9, "DHL");
            browser.assertReceived("orders.9", "order.shipped", data -> data.get("carrier").asText().equals("DHL"));
        }
        HttpResponse<String> up = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/up")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, up.statusCode(), up.body());
    }
}
