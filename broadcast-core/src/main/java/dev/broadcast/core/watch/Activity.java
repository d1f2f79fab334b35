package dev.broadcast.core.watch;

import java.time.Instant;

/**
 * One thing that happened in an app of a {@link BroadcastHub}, for watching it live (the
 * standalone server's debug console): see {@code BroadcastHub.watch}. Values that come from
 * clients or callers (channels, event names, data) are as they were, the data cut to
 * {@link #MAX_DETAIL} characters.
 *
 * @param at       when
 * @param kind     what happened
 * @param socketId the connection it happened to or came from, or null (an event triggered through
 *                 the HTTP API or the Java API)
 * @param channel  the channel, or null
 * @param event    the event's name (for {@link Kind#EVENT} and {@link Kind#CLIENT_EVENT}), or null
 * @param detail   the event's data; the origin of a connection; the code and reason of a close;
 *                 why something was refused; or null
 */
public record Activity(Instant at, Kind kind, String socketId, String channel, String event, String detail) {

    /** The most characters of {@link #detail} kept. */
    public static final int MAX_DETAIL = 1024;

    /** What happened. */
    public enum Kind {
        /** A client connected ({@code detail}: its origin). */
        CONNECTED,
        /** A connection ended ({@code detail}: who closed it, and the code and reason). */
        DISCONNECTED,
        /** A connection subscribed to {@code channel}. */
        SUBSCRIBED,
        /** A connection left {@code channel}. */
        UNSUBSCRIBED,
        /** An event was triggered on {@code channel} through the HTTP API or the Java API. */
        EVENT,
        /** A client sent an event ({@code client-…}) on {@code channel}. */
        CLIENT_EVENT,
        /** A connection or a subscription was refused ({@code detail}: why). */
        REFUSED
    }
}
