package dev.broadcast.core.config;

import dev.broadcast.core.transport.CloseCodes;
import java.time.Duration;

/**
 * The bounds one application's clients and API callers are held to. Defaults are Pusher's.
 * Every limit is inclusive: a value equal to the limit is accepted, one past it is refused.
 *
 * @param maxMessageBytes        inbound WebSocket message, UTF-8 bytes (10 KiB); over it the
 *                               connection closes with 1009
 * @param maxEventDataBytes      {@code data} of an event sent through the HTTP API, UTF-8 bytes
 *                               (10 KiB); over it the API answers 413
 * @param maxEventNameLength     event name, characters (200)
 * @param maxChannelsPerTrigger  channels in one trigger (100); over it the API answers 400
 * @param maxBatchSize           events in one {@code batch_events} call (10); over it 400
 * @param maxPresenceMembers     distinct users in one presence channel (100)
 * @param maxUserInfoBytes       a presence member's {@code user_info} as JSON, UTF-8 bytes (1 KiB)
 * @param maxUserIdLength        a presence {@code user_id}, characters (128)
 * @param clientEventsPerSecond  client events one connection may send per second (10); the
 *                               next is refused with 4301 and the connection stays open
 * @param maxOutboundBytes       frames queued for one connection, UTF-8 bytes (1 MiB); over it
 *                               the connection closes with {@link CloseCodes#SLOW_CONSUMER}
 * @param apiTimestampWindow     how far an HTTP API {@code auth_timestamp} may be from the server
 *                               clock (600 s); further gives 401
 * @param maxSubscriptionsPerConnection channels one connection may be subscribed to at once
 *                               (128; Pusher documents none, Centrifugo's default is 128); the
 *                               next subscription gets {@code pusher:subscription_error} with
 *                               type {@code LimitReached} and status 4100
 */
public record Limits(
        int maxMessageBytes,
        int maxEventDataBytes,
        int maxEventNameLength,
        int maxChannelsPerTrigger,
        int maxBatchSize,
        int maxPresenceMembers,
        int maxUserInfoBytes,
        int maxUserIdLength,
        int clientEventsPerSecond,
        long maxOutboundBytes,
        Duration apiTimestampWindow,
        int maxSubscriptionsPerConnection) {

    /** Pusher's limits, and ours where Pusher documents none. */
    public static final Limits DEFAULTS = new Limits(
            10 * 1024, 10 * 1024, 200, 100, 10, 100, 1024, 128, 10, 1024 * 1024, Duration.ofSeconds(600), 128);

    public Limits {
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxEventDataBytes", maxEventDataBytes);
        positive("maxEventNameLength", maxEventNameLength);
        positive("maxChannelsPerTrigger", maxChannelsPerTrigger);
        positive("maxBatchSize", maxBatchSize);
        positive("maxPresenceMembers", maxPresenceMembers);
        positive("maxUserInfoBytes", maxUserInfoBytes);
        positive("maxUserIdLength", maxUserIdLength);
        positive("clientEventsPerSecond", clientEventsPerSecond);
        positive("maxOutboundBytes", maxOutboundBytes);
        positive("maxSubscriptionsPerConnection", maxSubscriptionsPerConnection);
        if (apiTimestampWindow == null || apiTimestampWindow.isNegative() || apiTimestampWindow.isZero()) {
            throw new IllegalArgumentException("apiTimestampWindow must be positive: " + apiTimestampWindow);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
