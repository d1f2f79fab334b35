package dev.broadcast.core;

/**
 * One client connection as a transport sees it: where the engine writes frames and how it closes.
 * An adapter (Jakarta WebSocket, a raw socket server, a test) implements it once per connection.
 *
 * <p>Threading: the engine never has more than one {@link #send} outstanding per connection. It
 * issues the next one only after {@code done} has been called, so implementations need no queue of
 * their own. {@code done} must be called exactly once per send, on any thread, possibly before
 * {@code send} returns.
 */
public interface Transport {

    /**
     * Writes one text frame.
     *
     * @param frame the complete frame text; the same instance may be handed to many connections
     * @param done  called once when the write completed ({@code null}) or failed (the cause)
     */
    void send(String frame, SendCallback done);

    /**
     * Closes the connection with a WebSocket close code and a reason; the engine keeps the reason
     * within the 123 UTF-8 bytes a close frame can carry. Called at most once per connection by
     * the engine; must not throw.
     */
    void close(int code, String reason);

    /** Completion of one {@link #send}. */
    @FunctionalInterface
    interface SendCallback {
        /** @param failure {@code null} when the frame was written, otherwise why it was not */
        void completed(Throwable failure);
    }
}
