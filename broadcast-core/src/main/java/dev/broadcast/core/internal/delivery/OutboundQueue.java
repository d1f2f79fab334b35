package dev.broadcast.core.internal.delivery;

import dev.broadcast.core.transport.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames waiting to be written to one connection: bounded in bytes, with exactly one write
 * in flight. The next write is issued when the previous one completes, which is the portable rule
 * for Jakarta containers (Tomcat throws on a second concurrent send).
 *
 * <p>Publishers never wait here: {@link #offer} queues and returns. When the queued bytes would
 * pass the bound, {@code offer} returns false and the owner closes the connection.
 */
public final class OutboundQueue {

    private final Transport transport;
    /** Whether the transport takes waiting frames in batches ({@link Transport#sendAll}). */
    private final boolean batches;
    private final long maxBytes;
    private final Runnable onWriteFailure;
    /**
     * Replaced by a new deque whenever it is emptied: a long-lived deque ends up in the old
     * generation, and storing each young frame into it costs G1 a dirty card per delivery.
     */
    private ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long queuedBytes;
    /** True while a write is outstanding or a drain loop runs; guarded by this. */
    private boolean writing;
    /** True while {@link #drain()} is inside {@code transport.send}; guarded by this. */
    private boolean inSend;
    /** The write started by the running drain loop completed before {@code send} returned. */
    private boolean completedInSend;
    private boolean closed;

    public OutboundQueue(Transport transport, long maxBytes, Runnable onWriteFailure) {
        this.transport = transport;
        this.batches = transport.writesBatches();
        this.maxBytes = maxBytes;
        this.onWriteFailure = onWriteFailure;
    }

    /** What {@link #enqueue} did with a frame. */
    public enum Offer {
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
    public Offer enqueue(Frame frame) {
        synchronized (this) {
            if (closed) {
                return Offer.QUEUED;
            }
            if (queuedBytes + frame.size() > maxBytes) {
                return Offer.FULL;
            }
            frames.add(frame);
            queuedBytes += frame.size();
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
    public boolean offer(Frame frame) {
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
    public void finish(Frame last, Runnable then) {
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
            if (batches) {
                transport.sendAll(() -> List.of(last.utf8()), failure -> then.run());
            } else {
                transport.send(last.text(), failure -> then.run());
            }
        } catch (RuntimeException e) {
            then.run();
        }
    }

    /** Drops what is queued; later offers are ignored. */
    public synchronized void close() {
        closed = true;
        frames.clear();
        queuedBytes = 0;
    }

    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Writes queued frames, one write in flight; called after {@link #enqueue} answered
     * {@link Offer#IDLE}. A transport that {@link Transport#writesBatches() writes batches} is told that frames wait and takes them
     * when it writes (everything queued by then, up to {@link Transport#MAX_BATCH_BYTES});
     * any other transport gets one frame per write.
     */
    public void drain() {
        while (true) {
            Frame next = null;
            synchronized (this) {
                if (!closed) {
                    next = batches ? frames.peek() : pollOne();
                }
                if (next == null) {
                    writing = false;
                    return;
                }
                inSend = true;
                completedInSend = false;
            }
            try {
                if (batches) {
                    transport.sendAll(this::takeBatch, this::written);
                } else {
                    transport.send(next.text(), this::written);
                }
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

    /** What a batch-writing transport takes when it writes; empty once the queue is closed. */
    private synchronized List<byte[]> takeBatch() {
        return closed ? List.of() : pollBatch();
    }

    /** Takes the oldest queued frame; null if none. Called holding this. */
    private Frame pollOne() {
        Frame frame = frames.poll();
        if (frame != null) {
            queuedBytes -= frame.size();
            renewIfEmpty();
        }
        return frame;
    }

    /** Takes queued frames up to the batch bound (at least one, if any). Called holding this. */
    private List<byte[]> pollBatch() {
        List<byte[]> batch = new ArrayList<>(Math.min(frames.size(), 64));
        long size = 0;
        for (Frame f = frames.peek(); f != null
                && (batch.isEmpty() || size + f.size() <= Transport.MAX_BATCH_BYTES); f = frames.peek()) {
            frames.poll();
            size += f.size();
            batch.add(f.utf8());
        }
        queuedBytes -= size;
        renewIfEmpty();
        return batch;
    }

    /** Called holding this. */
    private void renewIfEmpty() {
        if (frames.isEmpty()) {
            frames = new ArrayDeque<>();
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
