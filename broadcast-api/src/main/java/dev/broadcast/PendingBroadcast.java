package dev.broadcast;

import java.util.concurrent.CompletionStage;

/**
 * An anonymous broadcast being put together:
 * {@code broadcaster.on(Channel.of("orders")).as("order.shipped").with(Map.of("id", 7)).send()}.
 * Each method returns a new value; a pending broadcast can be reused.
 */
public interface PendingBroadcast {

    /** The event name; required, at most 200 characters. */
    PendingBroadcast as(String event);

    /** The payload, serialized to JSON once; an empty object when not given. */
    PendingBroadcast with(Object payload);

    /** Leaves out the connection {@code socketId} (null: nobody); see {@link Broadcaster#toOthers(String)}. */
    PendingBroadcast toOthers(String socketId);

    /**
     * Queues the broadcast; failures complete the stage exceptionally and are logged.
     *
     * @throws IllegalStateException if no event name was given
     */
    CompletionStage<BroadcastReceipt> send();

    /**
     * Sends on the caller's thread and waits for the driver.
     *
     * @throws BroadcastException if the driver fails
     * @throws IllegalStateException if no event name was given
     */
    BroadcastReceipt sendNow();
}
