package dev.broadcast.testing.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.BroadcastOn;
import dev.broadcast.Broadcaster;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.testing.FakeBroadcaster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

class FakeBroadcasterBeanTest {

    @BroadcastOn("orders.{id}")
    record OrderShipped(long id) {
    }

    /** An application service that broadcasts through the injected bean. */
    record Shipping(Broadcaster broadcaster) {
        void ship(long id) {
            broadcaster.broadcast(new OrderShipped(id));
        }
    }

    @Configuration
    static class WithBroadcaster {
        @Bean
        Broadcaster broadcaster() {
            return Broadcasters.log(); // the production bean the fake must replace
        }

        @Bean
        Shipping shipping(Broadcaster broadcaster) {
            return new Shipping(broadcaster);
        }
    }

    @Configuration
    static class WithoutBroadcaster {
        @Bean
        Shipping shipping(Broadcaster broadcaster) {
            return new Shipping(broadcaster);
        }
    }

    @Nested
    @SpringJUnitConfig(WithBroadcaster.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ReplacingTheBean {

        @FakeBroadcasterBean
        FakeBroadcaster broadcaster;

        @Autowired
        Shipping shipping;

        @Autowired
        Broadcaster bean;

        @Test
        @Order(1)
        void theServiceBroadcastsThroughTheFakeInTheField() {
            assertSame(broadcaster, bean, "the context's Broadcaster bean is the field's fake");
            shipping.ship(7);
            broadcaster.assertDispatched(OrderShipped.class, e -> e.id() == 7);
        }

        @Test
        @Order(2)
        void theNextTestStartsWithAnEmptyFake() {
            broadcaster.assertNothingDispatched();
        }
    }

    @Nested
    @SpringJUnitConfig(WithoutBroadcaster.class)
    class AddingTheBean {

        @FakeBroadcasterBean
        FakeBroadcaster broadcaster;

        @Autowired
        Shipping shipping;

        @Test
        void aContextWithoutABroadcasterGetsTheFake() {
            shipping.ship(8);
            broadcaster.assertDispatchedOnce(OrderShipped.class);
        }
    }

    /** Not a Spring test: only its fields are read. */
    static class Misdeclared {
        @FakeBroadcasterBean
        String notABroadcaster;
    }

    @Test
    void aFieldOfAnotherTypeIsRefusedWithItsName() throws Exception {
        var field = Misdeclared.class.getDeclaredField("notABroadcaster");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FakeBroadcasterOverrides()
                .createHandler(field.getAnnotation(FakeBroadcasterBean.class), Misdeclared.class, field));
        assertEquals("@FakeBroadcasterBean field Misdeclared.notABroadcaster is of type java.lang.String;"
                + " declare it as FakeBroadcaster", e.getMessage());
    }
}
