package dev.broadcast.samples.springboot;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import java.time.Instant;

/** Goes to the public channel of the order, {@code orders.{orderId}}. */
@BroadcastOn("orders.{orderId}")
@BroadcastAs("order.shipped")
public record OrderShipped(long orderId, String carrier, Instant shippedAt) {
}
