package dev.broadcast.core.internal.engine;

import dev.broadcast.core.config.App;

/**
 * The narrow entry to one app of the engine that the hub hands the local driver: the app (for its
 * limits) and a trigger that checks nothing, because its caller already did, once.
 */
public interface TriggerTarget {

    /** The app, whose {@link App#limits()} the caller checks the trigger against first. */
    App app();

    /**
     * Queues the event for every subscriber of each channel but {@code exceptSocketId}; the frame
     * is encoded once per channel.
     *
     * @return the number of connections reached
     */
    int trigger(Iterable<String> channelNames, String event, String data, String exceptSocketId);
}
