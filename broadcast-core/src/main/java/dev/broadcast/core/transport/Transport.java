package dev.broadcast.core.transport;

import java.util.List;

/**
 * One client connection as a transport sees it: where the engine writes frames and how it closes.
 * An adapter (Jakarta WebSocket, a raw socket server, a test) implements it once per connection.
 *
 * <p>Two ways to write. A plain transport gets one frame per {@link #send}. A transport that
 * {@link #writesBatches() writes batches} is instead told with {@link #sendAll} that frames are
 * waiting, and takes them when it is about to write: everything queued for the connection by then
 * (up to {@link #MAX_BATCH_BYTES}) leaves in one write. Under load the batches grow by themselves:
 * frames that arrive while a write is pending or in flight wait, and the next write takes them
 * all. That turns one system call per frame into one per batch, which is what makes fan-out to
 * many subscribers cheap.
 *
 * <p>Threading: the engine never has more than one {@link #send} or {@link #sendAll} outstanding
 * per connection. It issues the next one only after {@code done} has been called, so
 * implementations need no queue of their own. {@code done} must be called exactly once per call,
 * on any thread, possibly before the call returns.
 */
public interface Transport {

    /** The most UTF-8 bytes the engine puts in one batch for {@link #sendAll}, unless a single frame is larger. */
    int MAX_BATCH_BYTES = 64 * 1024;

    /**
     * Writes one text frame. Used for every frame unless the transport {@link #writesBatches()}.
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

    /**
     * Whether the engine should hand this transport its waiting frames in batches through
     * {@link #sendAll} instead of one {@link #send} per frame. False by default; decided once per
     * connection.
     */
    default boolean writesBatches() {
        return false;
    }

    /**
     * Frames are waiting: take them with {@code frames.take()} once, on any thread, as late as
     * suits the transport (the later, the more it gets), write them in order in as few writes as it
     * can, then call {@code done}. Called only when {@link #writesBatches()}, so a transport that
     * answers true implements this; the default throws {@link UnsupportedOperationException}.
     *
     * @param frames hands over the UTF-8 bytes of each waiting text frame, in order; the arrays are
     *               shared with other connections and must not be modified. The list is empty when
     *               the connection was closed meanwhile: then call {@code done} without writing
     * @param done   called once when all were written ({@code null}) or the write failed (the cause)
     */
    default void sendAll(WaitingFrames frames, SendCallback done) {
        throw new UnsupportedOperationException(getClass().getName() + " writes batches but does not implement sendAll");
    }

    /** Completion of one {@link #send} or {@link #sendAll}. */
    @FunctionalInterface
    interface SendCallback {
        /** @param failure {@code null} when the frame was written, otherwise why it was not */
        void completed(Throwable failure);
    }

    /** The frames waiting for one connection. */
    @FunctionalInterface
    interface WaitingFrames {
        /** Removes and returns what is queued, at most {@link #MAX_BATCH_BYTES} (at least one frame). */
        List<byte[]> take();
    }
}
