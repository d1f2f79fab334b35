package dev.broadcast.samples.springboot;

import dev.broadcast.Channel;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.FakeBroadcaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BroadcastExtension.class)
class ShippingServiceTest {

    @Test
    void shippingTellsTheOrdersWatchers(FakeBroadcaster fake) {
        new ShippingService(fake).ship(42, "DHL");

        fake.assertDispatchedOnce(OrderShipped.class);
        fake.assertBroadcastOn(Channel.of("orders.42"), "order.shipped");
    }
}
