package dev.broadcast.samples.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import dev.broadcast.Channel;
import dev.broadcast.testing.FakeBroadcaster;
import dev.broadcast.testing.spring.FakeBroadcasterBean;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The application context starts with the test kit and the server on its class path, its Broadcaster replaced by a fake. */
@SpringBootTest
class ShopApplicationTest {

    @FakeBroadcasterBean
    FakeBroadcaster broadcaster;

    @Autowired
    ShippingService shipping;

    @Test
    void theServiceBroadcastsThroughTheBroadcasterBean() {
        shipping.ship(7, "UPS");

        broadcaster.assertBroadcastOn(Channel.of("orders.7"), OrderShipped.class);
    }

    @Test
    void logbackIsTheOnlySlf4jBinding() {
        assertInstanceOf(LoggerContext.class, LoggerFactory.getILoggerFactory());
        List<Class<?>> providers = ServiceLoader.load(SLF4JServiceProvider.class).stream()
                .<Class<?>>map(ServiceLoader.Provider::type)
                .toList();
        assertEquals(List.of(LogbackServiceProvider.class), providers,
                "more than one SLF4J provider makes SLF4J warn and pick one at random");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.slf4j.simple.SimpleServiceProvider"));
    }
}
