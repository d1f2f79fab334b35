package dev.broadcast.server;

/** What {@link BroadcastServer} needs from the network side it runs on, once started. */
interface ServerTransport {

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
