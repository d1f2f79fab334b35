package dev.broadcast.samples.spring;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.ChannelType;

/** Goes to the order's owners ({@code private-orders.{orderId}}) and to the public {@code shipments} feed. */
// tag::event[]
@BroadcastOn(value = "orders.{orderId}", type = ChannelType.PRIVATE)
@BroadcastOn("shipments")
@BroadcastAs("order.shipped")
public record OrderShipped(long orderId, String carrier) {
}
// end::event[]
