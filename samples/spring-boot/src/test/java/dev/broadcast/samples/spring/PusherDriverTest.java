package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.Channel;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.testing.TestClient;
import dev.broadcast.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code broadcast.driver=pusher}: the shop runs no hub and sends its broadcasts to a remote
 * Pusher-compatible server (here the standalone server, started by {@link TestServer}) over the
 * Pusher HTTP API, signed with the app's secret; a page connected to that server receives them.
 */
@SpringBootTest
class PusherDriverTest {

    static final TestServer<Object> REMOTE = TestServer.start();

    @DynamicPropertySource
    static void remote(DynamicPropertyRegistry properties) {
        properties.add("broadcast.driver", () -> "pusher");
        properties.add("broadcast.pusher.scheme", () -> "http");
        properties.add("broadcast.pusher.host", () -> "127.0.0.1");
        properties.add("broadcast.pusher.port", REMOTE::port);
        properties.add("broadcast.app-id", () -> TestServer.APP_ID);
        properties.add("broadcast.app-key", () -> TestServer.APP_KEY);
        properties.add("broadcast.app-secret", () -> TestServer.APP_SECRET);
    }

    @AfterAll
    static void stopRemote() {
        REMOTE.close();
    }

    @Autowired
    OrderController controller;

    @Test
    void theShopsBroadcastsReachTheRemoteServersPages(@Autowired ApplicationContext context) {
        assertTrue(context.getBeansOfType(BroadcastHub.class).isEmpty(), "no hub runs in the shop");
        try (TestClient page = REMOTE.connect()) {
            page.subscribe(Channel.of("shipments")).assertSucceeded();

            controller.ship(3, "GLS", null);

            page.assertReceived("shipments", "order.shipped", data -> data.get("orderId").asLong() == 3
                    && data.get("carrier").asText().equals("GLS"));
        }
    }
}
