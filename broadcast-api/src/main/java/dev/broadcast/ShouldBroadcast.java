package dev.broadcast;

import java.util.List;

/**
 * An event that is broadcast to browsers: implement it on a record or class and hand instances to
 * {@link Broadcaster#broadcast(Object)}. Only {@link #broadcastOn()} is required.
 *
 * <pre>{@code
 * public record TaskUpdated(Task task) implements ShouldBroadcast {
 *     public List<Channel> broadcastOn() { return List.of(Channel.of("project." + task.projectId())); }
 *     public String broadcastAs() { return "task.updated"; }
 * }
 * }</pre>
 *
 * <p>Broadcasts are queued (sent from the broadcaster's dispatcher thread) unless the event also
 * implements {@link ShouldBroadcastNow} or is annotated {@link BroadcastNow}. Classes that do not
 * implement this interface can be broadcast with annotations instead, see {@link BroadcastOn}.
 */
public interface ShouldBroadcast {

    /** The channels the event goes to; at least one, none null. */
    List<Channel> broadcastOn();

    /**
     * The event name clients listen for; the simple class name by default. Laravel Echo prefixes
     * names without a leading dot with its namespace, so listen with {@code .listen('.TaskUpdated')}.
     */
    default String broadcastAs() {
        return getClass().getSimpleName();
    }

    /**
     * What clients receive as the event's data, serialized to JSON once (records, maps, beans, Java
     * time types as ISO-8601 strings). The event itself by default.
     */
    default Object broadcastWith() {
        return this;
    }

    /** Whether to broadcast at all; evaluated when the broadcast is resolved. True by default. */
    default boolean broadcastWhen() {
        return true;
    }
}
