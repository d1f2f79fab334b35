package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.InstantSource;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the throttled buffers of one broadcaster share: its dispatcher, its scheduler (given, or a
 * {@link Scheduler#daemon()} made on first use and shut down on close), its clock, and the set of
 * buffers that have something pending, so that closing the broadcaster sends it. Idle buffers are
 * not referenced from here and can be collected.
 */
public final class Buffers {

    private final Dispatcher dispatcher;
    private final Scheduler givenScheduler;
    private final InstantSource clock;
    /** In the order they got something pending, so closing sends their batches in that order. */
    private final Set<ThrottledBuffer> pending = Collections.synchronizedSet(new LinkedHashSet<>());
    private Scheduler ownScheduler;
    private volatile boolean closed;

    /** @param scheduler where windows end; null for a daemon scheduler owned by this object */
    public Buffers(Dispatcher dispatcher, Scheduler scheduler, InstantSource clock) {
        this.dispatcher = dispatcher;
        this.givenScheduler = scheduler;
        this.clock = clock;
    }

    public OutputBuffer buffer(Channel channel, String event, String exceptSocketId) {
        check(channel, event);
        return new ThrottledOutputBuffer(this, channel, event, exceptSocketId);
    }

    public ConflatingBuffer conflate(Channel channel, String event, String exceptSocketId) {
        check(channel, event);
        return new ThrottledConflatingBuffer(this, channel, event, exceptSocketId);
    }

    private void check(Channel channel, String event) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
        EventResolver.checkBufferEventName(event);
        if (closed) {
            throw new IllegalStateException("The broadcaster is closed; no buffer for event " + event);
        }
    }

    /**
     * Sends what every buffer has pending, refuses later appends, and stops the owned scheduler.
     * Called by the broadcaster before its dispatcher closes, so the batches are still delivered.
     */
    public void close() {
        closed = true;
        List<ThrottledBuffer> waiting;
        synchronized (pending) {
            waiting = List.copyOf(pending);
        }
        for (ThrottledBuffer output : waiting) {
            output.flushOnBroadcasterClose();
        }
        synchronized (this) {
            if (ownScheduler != null) {
                ownScheduler.close();
            }
        }
    }

    boolean closed() {
        return closed;
    }

    InstantSource clock() {
        return clock;
    }

    synchronized Scheduler scheduler() {
        if (givenScheduler != null) {
            return givenScheduler;
        }
        if (ownScheduler == null) {
            ownScheduler = Scheduler.daemon();
        }
        return ownScheduler;
    }

    void pending(ThrottledBuffer output, boolean hasPending) {
        if (hasPending) {
            pending.add(output);
        } else {
            pending.remove(output);
        }
    }

    void submit(ResolvedBroadcast batch) {
        // a batch has waited for its buffer's window already; failures complete the stage
        // exceptionally and are logged there
        dispatcher.submitUnwindowed(batch);
    }
}
