package dev.broadcast;

/**
 * A {@link ShouldBroadcast} event sent on the caller's thread instead of the broadcaster's
 * dispatcher: {@link Broadcaster#broadcast(Object)} returns once the event was handed to the
 * driver, and the returned stage carries any failure.
 */
public interface ShouldBroadcastNow extends ShouldBroadcast {
}
