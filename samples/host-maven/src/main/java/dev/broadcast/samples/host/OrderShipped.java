package dev.broadcast.samples.host;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.ChannelType;

/** Goes to the customer's private channel, {@code private-customer.{customerId}}. */
@BroadcastOn(value = "customer.{customerId}", type = ChannelType.PRIVATE)
@BroadcastAs("order.shipped")
public record OrderShipped(long orderId, long customerId, String carrier) {
}
