package dev.broadcast.core.internal;

import dev.broadcast.core.Transport;
import java.util.ArrayDeque;

/**
 * The frames waiting to be written to one connection: bounded in bytes, with exactly one write
 * in flight. The next write is issued when the previous one completes, which is the portable rule
 * for Jakarta containers (Tomcat throws on a second concurrent send).
 *
 * <p>Publishers never wait here: {@link #offer} queues and returns. When the queued bytes would
 * pass the bound, {@code offer} returns false and the owner closes the connection.
 */
final class OutboundQueue {

    private final Transport transport;
    private final long maxBytes;
    private final Runnable onWriteFailure;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long queuedBytes;
    /** True while a write is outstanding or a drain loop runs; guarded by this. */
    private boolean writing;
    /** True while {@link #drain()} is inside {@code transport.send}; guarded by this. */
    private boolean inSend;
    /** The write started by the running drain loop completed before {@code send} returned. */
    private boolean completedInSend;
    private boolean closed;

    OutboundQueue(Transport transport, long maxBytes, Runnable onWriteFailure) {
        this.transport = transport;
        this.maxBytes = maxBytes;
        this.onWriteFailure = onWriteFailure;
    }

    /** What {@link #enqueue} did with a frame. */
    enum Offer {
        /** Queued behind a write in flight (or dropped: the queue is closed). */
        QUEUED,
        /** Queued on an idle queue: the caller must call {@link #drain()}, outside any lock. */
        IDLE,
        /** Not queued: it would pass the byte bound. */
        FULL
    }

    /**
     * Queues a frame without touching the transport, so it is safe under a caller's lock; frames
     * queued under one lock keep that order on the wire.
     */
    Offer enqueue(Frame frame) {
        synchronized (this) {
            if (closed) {
                return Offer.QUEUED;
            }
            if (queuedBytes + frame.bytes() > maxBytes) {
                return Offer.FULL;
            }
            frames.add(frame);
            queuedBytes += frame.bytes();
            if (writing) {
                return Offer.QUEUED;
            }
            writing = true;
            return Offer.IDLE;
        }
    }

    /**
     * Queues a frame and starts writing if idle.
     *
     * @return false if the frame would pass the byte bound; nothing was queued
     */
    boolean offer(Frame frame) {
        Offer offer = enqueue(frame);
        if (offer == Offer.IDLE) {
            drain();
        }
        return offer != Offer.FULL;
    }

    /**
     * Ends the queue: drops what is queued and runs {@code then} (the close). When nothing is in
     * flight, {@code last} (an error message, may be null) is written first so the client learns
     * why; when the connection is backed up there is no point waiting for it.
     */
    void finish(Frame last, Runnable then) {
        boolean idle;
        synchronized (this) {
            if (closed) {
                then.run();
                return;
            }
            closed = true;
            frames.clear();
            queuedBytes = 0;
            idle = !writing && last != null;
            writing = true;
        }
        if (!idle) {
            then.run();
            return;
        }
        try {
            transport.send(last.text(), failure -> then.run());
        } catch (RuntimeException e) {
            then.run();
        }
    }

    /** Drops what is queued; later offers are ignored. */
    synchronized void close() {
        closed = true;
        frames.clear();
        queuedBytes = 0;
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** Writes queued frames, one in flight; called after {@link #enqueue} answered {@link Offer#IDLE}. */
    void drain() {
        while (true) {
            Frame next;
            synchronized (this) {
                next = closed ? null : frames.poll();
                if (next == null) {
                    writing = false;
                    return;
                }
                queuedBytes -= next.bytes();
                inSend = true;
                completedInSend = false;
            }
            try {
                transport.send(next.text(), this::written);
            } catch (RuntimeException e) {
                written(e);
            }
            synchronized (this) {
                inSend = false;
                if (!completedInSend) {
                    return; // the completion callback continues the drain
                }
            }
        }
    }

    private void written(Throwable failure) {
        if (failure != null) {
            synchronized (this) {
                closed = true;
                frames.clear();
                queuedBytes = 0;
                writing = false;
            }
            onWriteFailure.run();
            return;
        }
        synchronized (this) {
            if (inSend) {
                completedInSend = true; // the running drain loop picks up the next frame
                return;
            }
        }
        drain();
    }
}
