package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.Channel;
import dev.broadcast.redis.RedisProcess;
import dev.broadcast.testing.TestClient;
import io.lettuce.core.RedisClient;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the shop as one, with {@code broadcast.redis.url} and broadcast-redis on the
 * class path, in this build's Spring Boot with the Lettuce and Netty it manages: an order shipped
 * through instance A reaches a page connected to instance B.
 */
class ClusterTest {

    @Test
    void anOrderShippedOnOneInstanceReachesAPageOnTheOther() throws Exception {
        System.out.println("Lettuce " + RedisClient.class.getPackage().getImplementationVersion() + ", Netty "
                + io.netty.util.Version.identify().get("netty-common").artifactVersion());
        try (RedisProcess redis = RedisProcess.start();
             ConfigurableApplicationContext a = shop(redis);
             ConfigurableApplicationContext b = shop(redis);
             TestClient page = TestClient.connect(URI.create("ws://127.0.0.1:" + port(b)), "shop-key")) {
            page.subscribe(Channel.of("shipments")).assertSucceeded();

            a.getBean(OrderController.class).ship(7, "DHL", null);

            page.assertReceived("shipments", "order.shipped", data -> data.get("orderId").asLong() == 7
                    && data.get("carrier").asText().equals("DHL"));
            assertTrue(port(a) != port(b));
        }
    }

    private static ConfigurableApplicationContext shop(RedisProcess redis) {
        return new SpringApplicationBuilder(ShopApplication.class)
                .properties("server.port=0", "broadcast.redis.url=" + redis.url(), "broadcast.redis.prefix=shop:",
                        "spring.main.banner-mode=off")
                .run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
