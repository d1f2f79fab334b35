package dev.broadcast.samples.host;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.Channel;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.TestClient;
import dev.broadcast.testing.TestServer;
import java.net.ConnectException;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the customer's browser receives, over real WebSockets, on this build's JUnit. */
class OrderBrowserTest {

    @RegisterExtension
    static final BroadcastExtension broadcast = BroadcastExtension.withRoutes(OrderService.ROUTES);

    private static int portOfTheInjectedServer;

    @Test
    void theCustomersBrowserReceivesTheShipment(TestServer<Long> server) {
        portOfTheInjectedServer = server.port();
        try (TestClient customer = server.connect(7L); TestClient other = server.connect(8L)) {
            customer.subscribe(Channel.privateChannel("customer.7")).assertSucceeded();
            other.subscribe(Channel.privateChannel("customer.7")).assertFailed(403);

            new OrderService(server.broadcaster()).ship(42, 7, "DHL");

            customer.assertReceived("private-customer.7", "order.shipped", data -> data.get("carrier").asText().equals("DHL"));
        }
    }

    @Test
    void publicChannelsNeedNoUser(TestServer<Long> server, TestClient browser) {
        browser.subscribe(Channel.of("news")).assertSucceeded();
        server.broadcaster().on(Channel.of("news")).as("headline").sendNow();
        browser.assertReceived("news", "headline");
    }

    @Test
    void aServerOfYourOwnIsClosedByTryWithResources() {
        try (TestServer<Object> server = TestServer.start(); TestClient browser = server.connect()) {
            browser.subscribe(Channel.of("news")).assertSucceeded();
        }
    }

    @AfterAll
    static void theInjectedServerWasClosedAfterItsTest() {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", portOfTheInjectedServer).close(),
                "the injected TestServer still listens after its test");
    }
}
