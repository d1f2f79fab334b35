package dev.broadcast.core.transport;

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

    private CloseCodes() {
    }
}
