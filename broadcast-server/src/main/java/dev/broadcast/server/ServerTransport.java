package dev.broadcast.server;

/** What {@link BroadcastServer} needs from the network side it runs on, once started. */
interface ServerTransport {

    /**
     * Seconds a WebSocket's close frame may wait to be written and answered before the socket is
     * closed regardless: a client that stopped reading (a slow consumer closed with 4100) would
     * hold it behind unread data forever, and one that reads again within it still gets the code
     * (issue 11, D10: at 2 s, 1 of 20 such clients got its 4100).
     */
    int CLOSE_GRACE_SECONDS = 10;

    /** Where pusher-js sends its HTTP transports by default ({@code httpPath}), on both transports. */
    String HTTP_TRANSPORTS_PREFIX = "/pusher";

    /** Whether {@code path} is one of pusher-js's HTTP transports', served by {@code BroadcastHub.serveFallback}. */
    static boolean isHttpTransport(String path) {
        return path.startsWith(HTTP_TRANSPORTS_PREFIX + "/app/");
    }

    /** The port actually bound. */
    int port();

    /** Stops accepting connections; open ones go on. Idempotent. */
    void stopAccepting();

    /**
     * Stops listening and releases the threads.
     *
     * @param drainCloses whether clients were just sent close frames that should leave first
     */
    void stop(boolean drainCloses);
}
