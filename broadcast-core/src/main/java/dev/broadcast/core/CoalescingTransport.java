package dev.broadcast.core;

import java.util.List;

/**
 * A {@link Transport} that can write several queued frames in one go: the engine then hands it
 * everything waiting for the connection (up to {@link #MAX_BATCH_BYTES}) instead of one frame per
 * write. Under load the batches grow by themselves: frames that arrive while a write is in flight
 * wait, and the next write takes them all. That turns one system call per frame into one per
 * batch, which is what makes fan-out to many subscribers cheap.
 *
 * <p>The threading rules of {@link Transport} hold: at most one {@link #sendAll} or
 * {@link #send} is outstanding per connection, and {@code done} is called exactly once per call.
 */
public interface CoalescingTransport extends Transport {

    /** The most UTF-8 bytes the engine puts in one {@link #sendAll}, unless a single frame is larger. */
    int MAX_BATCH_BYTES = 64 * 1024;

    /**
     * Writes text frames in order, as few writes as the transport can make of them.
     *
     * @param frames the UTF-8 bytes of each text frame, at least one; the arrays are shared with
     *               other connections and must not be modified
     * @param done   called once when all were written ({@code null}) or the write failed (the cause)
     */
    void sendAll(List<byte[]> frames, SendCallback done);
}
