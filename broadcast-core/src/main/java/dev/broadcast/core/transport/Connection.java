package dev.broadcast.core.transport;


/**
 * The engine's side of one client connection, returned by {@link dev.broadcast.core.BroadcastHub#connect}. The
 * transport feeds it what arrives and tells it when the connection has gone.
 *
 * <p>Threading: {@link #receive} must not be called concurrently for one connection (WebSocket
 * containers already deliver one message at a time per session). All methods return quickly and
 * never throw for bad input: protocol errors are answered on the connection itself.
 */
public interface Connection {

    /** The Pusher socket id, {@code <digits>.<digits>}, unique in this hub. */
    String socketId();

    /** Handles one inbound text frame (a Pusher protocol message). */
    void receive(String frame);

    /** Counts a WebSocket ping or pong control frame as activity, as any message is. */
    void touch();

    /**
     * Tells the engine the connection is gone, whoever closed it. Subscriptions and presence
     * memberships are released. Idempotent.
     */
    void closed();

    /** Whether the engine still regards this connection as open. */
    boolean isOpen();
}
