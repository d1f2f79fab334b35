package dev.broadcast.core;

import java.util.List;

/**
 * A {@link Transport} that can write several queued frames in one go. Instead of one frame per
 * write, the engine tells it that frames are waiting, and the transport takes them when it is about
 * to write: everything queued for the connection by then (up to {@link #MAX_BATCH_BYTES}) leaves
 * in one write. Under load the batches grow by themselves: frames that arrive while a write is
 * pending or in flight wait, and the next write takes them all. That turns one system call per frame
 * into one per batch, which is what makes fan-out to many subscribers cheap.
 *
 * <p>The threading rules of {@link Transport} hold: at most one {@link #sendAll} or
 * {@link #send} is outstanding per connection, and {@code done} is called exactly once per call.
 */
public interface CoalescingTransport extends Transport {

    /** The most UTF-8 bytes the engine puts in one batch, unless a single frame is larger. */
    int MAX_BATCH_BYTES = 64 * 1024;

    /**
     * Frames are waiting: take them with {@code frames.take()} once, on any thread, as late as
     * suits the transport (the later, the more it gets), write them in order in as few writes as it
     * can, then call {@code done}.
     *
     * @param frames hands over the UTF-8 bytes of each waiting text frame, in order; the arrays are
     *               shared with other connections and must not be modified. The list is empty when
     *               the connection was closed meanwhile: then call {@code done} without writing
     * @param done   called once when all were written ({@code null}) or the write failed (the cause)
     */
    void sendAll(WaitingFrames frames, SendCallback done);

    /** The frames waiting for one connection. */
    @FunctionalInterface
    interface WaitingFrames {
        /** Removes and returns what is queued, at most {@link #MAX_BATCH_BYTES} (at least one frame). */
        List<byte[]> take();
    }
}
