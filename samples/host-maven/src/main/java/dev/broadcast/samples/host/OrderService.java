package dev.broadcast.samples.host;

import dev.broadcast.Broadcaster;
import dev.broadcast.ChannelRoutes;

/** The application code under test: it only knows {@link Broadcaster}, from broadcast-api. */
public final class OrderService {

    /** Who may follow which customer's channel: the customer, by id. */
    public static final ChannelRoutes<Long> ROUTES = ChannelRoutes.<Long>create()
            .channel("customer.{id}", (customerId, p) -> customerId == p.getLong("id"));

    private final Broadcaster broadcaster;

    public OrderService(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    /** Tells the customer's browsers that the order left. */
    public void ship(long orderId, long customerId, String carrier) {
        broadcaster.broadcast(new OrderShipped(orderId, customerId, carrier));
    }
}
