package dev.broadcast.core.transport;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The codes the engine uses, in {@code pusher:error} messages and as WebSocket close codes.
 * Chosen for how pusher-js reacts: 4000–4099 and 4300+ stop reconnecting, 4100–4199 reconnect
 * after one second, 4200–4299 reconnect at once.
 */
public final class CloseCodes {

    /** No application with the key in the path. Closes; the client does not retry. */
    public static final int APP_NOT_FOUND = 4001;
    /** The {@code protocol} query parameter is not an integer. Closes. */
    public static final int INVALID_VERSION = 4006;
    /** The protocol version is outside 5–7. Closes. */
    public static final int UNSUPPORTED_VERSION = 4007;
    /**
     * Unauthorized: the Origin is not allowed, a signin failed, or the app terminated the user's
     * connections. Closes; the client does not retry.
     */
    public static final int UNAUTHORIZED = 4009;
    /**
     * The connection did not read fast enough and its outbound buffer passed its bound. Closes; the
     * client reconnects after one second.
     */
    public static final int SLOW_CONSUMER = 4100;
    /** The server is shutting down. Closes; the client reconnects at once (to another node). */
    public static final int GOING_AWAY = 4200;
    /** No pong arrived after a server ping. Closes; the client reconnects at once. */
    public static final int PONG_TIMEOUT = 4201;
    /** A client event was refused (rate limit, disabled, size). An error message only, never a close. */
    public static final int CLIENT_EVENT_REJECTED = 4301;
    /** RFC 6455 "message too big": an inbound message over the size limit. Closes. */
    public static final int MESSAGE_TOO_BIG = 1009;

    /** Every code above with its short name, in one table so that a new code gets its name here. */
    private static final Map<Integer, String> NAMES = new TreeMap<>(Map.of(
            APP_NOT_FOUND, "app-not-found",
            INVALID_VERSION, "invalid-version",
            UNSUPPORTED_VERSION, "unsupported-version",
            UNAUTHORIZED, "unauthorized",
            SLOW_CONSUMER, "slow-consumer",
            GOING_AWAY, "going-away",
            PONG_TIMEOUT, "pong-timeout",
            CLIENT_EVENT_REJECTED, "client-event-rejected",
            MESSAGE_TOO_BIG, "message-too-big"));

    private CloseCodes() {
    }

    /** Every code of this class, ascending. */
    public static List<Integer> all() {
        return List.copyOf(NAMES.keySet());
    }

    /**
     * A short lower-case name for {@code code}, e.g. {@code "slow-consumer"} for 4100, as used in
     * metric tags and logs; {@code "unknown"} for a code not in this class.
     */
    public static String name(int code) {
        return NAMES.getOrDefault(code, "unknown");
    }
}
