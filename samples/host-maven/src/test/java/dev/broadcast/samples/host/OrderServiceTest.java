package dev.broadcast.samples.host;

import dev.broadcast.Channel;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.FakeBroadcaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BroadcastExtension.class)
class OrderServiceTest {

    @Test
    void shippingAnOrderTellsItsCustomer(FakeBroadcaster fake) {
        new OrderService(fake).ship(42, 7, "DHL");

        fake.assertDispatchedOnce(OrderShipped.class);
        fake.assertDispatched(OrderShipped.class, e -> e.carrier().equals("DHL"));
        fake.assertBroadcastOn(Channel.privateChannel("customer.7"), "order.shipped");
    }

    @Test
    void eachTestGetsAFreshFake(FakeBroadcaster fake) {
        fake.assertNothingDispatched();
    }
}
