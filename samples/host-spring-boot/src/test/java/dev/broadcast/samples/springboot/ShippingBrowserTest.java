package dev.broadcast.samples.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.Channel;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.TestClient;
import dev.broadcast.testing.TestServer;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real server under Spring Boot's Netty 4.1, Jackson 2.19 and JUnit 5.12: a browser receives
 * the shipment, and the server the extension injected is closed after its test.
 */
@ExtendWith(BroadcastExtension.class)
class ShippingBrowserTest {

    private static int portOfTheInjectedServer;

    @Test
    void aWatchingBrowserReceivesTheShipment(TestServer<Object> server, TestClient browser) {
        portOfTheInjectedServer = server.port();
        browser.subscribe(Channel.of("orders.42")).assertSucceeded();

        new ShippingService(server.broadcaster()).ship(42, "DHL");

        browser.assertReceived("orders.42", "order.shipped", data -> data.get("carrier").asText().equals("DHL")
                && Instant.parse(data.get("shippedAt").asText()).isBefore(Instant.now().plusSeconds(1)));
    }

    @AfterAll
    static void theInjectedServerWasClosedAfterItsTest() {
        assertEquals(true, portOfTheInjectedServer > 0, "the test ran");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", portOfTheInjectedServer).close(),
                "the injected TestServer still listens after its test");
    }
}
