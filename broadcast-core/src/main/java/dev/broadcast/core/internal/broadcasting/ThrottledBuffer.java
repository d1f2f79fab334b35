package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.Channel;
import dev.broadcast.OutputBuffer;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window mechanics shared by {@link ThrottledOutputBuffer} and {@link ThrottledConflatingBuffer}.
 *
 * <p>Locks: {@code this} guards what is pending and the window state, and is held only briefly
 * (appends never wait for an encode or a driver); {@code emitLock} is held while one batch is taken,
 * encoded and handed to the dispatcher, so batches from racing flushes (the timer thread and a
 * caller) reach the dispatcher in the order they were taken. Order is always emitLock, then this.
 *
 * <p>Timers ({@link WindowTimer}): the first add while nothing is pending schedules exactly one
 * task at the window's end; any emit ends the window, and a task that was already starting finds
 * its window stale and does nothing.
 */
public abstract class ThrottledBuffer {

    final Buffers buffers;
    final Channel channel;
    final String event;
    private final String exceptSocketId;
    private final String description;
    private final Object emitLock = new Object();
    private final AtomicLong encodes = new AtomicLong();

    private Duration window = OutputBuffer.DEFAULT_WINDOW;
    private boolean started;
    private boolean closed;
    private final WindowTimer timer;

    ThrottledBuffer(Buffers buffers, Channel channel, String event, String exceptSocketId, String kind) {
        this.buffers = buffers;
        this.timer = new WindowTimer(buffers::scheduler, buffers.clock());
        this.channel = channel;
        this.event = event;
        this.exceptSocketId = exceptSocketId;
        this.description = "the " + kind + " for event '" + event + "' on " + channel.name();
    }

    /** How many payloads this buffer encoded to JSON: one per batch sent, whatever the subscriber count. */
    public long encodes() {
        return encodes.get();
    }

    /** Whether something waits to be sent; called holding {@code this}. */
    abstract boolean hasPending();

    /** What is pending, which is then forgotten; called holding {@code this}, when {@link #hasPending()}. */
    abstract Batch takeBatch();

    /**
     * The most UTF-8 bytes of JSON one batch event carries: Pusher's (and the hub's default) limit on
     * an event's data. A batch whose JSON is larger goes out as several consecutive events.
     */
    static final int MAX_BATCH_BYTES = Limits.DEFAULTS.maxEventDataBytes();

    /** A batch taken from a buffer: its payload, and how to halve it when its JSON is too large. */
    interface Batch {
        Object payload();

        /** Two batches with the items of this one, in order; empty when it holds a single item. */
        List<Batch> halves();
    }

    final void setWindow(Duration newWindow) {
        Objects.requireNonNull(newWindow, "window");
        if (newWindow.isZero() || newWindow.isNegative()) {
            throw new IllegalArgumentException("The window of " + description + " must be positive: " + newWindow);
        }
        synchronized (this) {
            checkConfigurable("window");
            this.window = newWindow;
        }
    }

    /** Called holding {@code this} before a setting changes. */
    final void checkConfigurable(String setting) {
        if (closed) {
            throw new IllegalStateException("Cannot set the " + setting + " of " + description + ": it is closed");
        }
        if (started) {
            throw new IllegalStateException("Cannot set the " + setting + " of " + description
                    + " after the first append: configure it before adding anything");
        }
    }

    /** Called holding {@code this} before something is added. */
    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Cannot add to " + description + ": it is closed");
        }
        if (buffers.closed()) {
            throw new IllegalStateException("Cannot add to " + description + ": the broadcaster is closed");
        }
    }

    /**
     * Called holding {@code this} after something was added: opens a window if none is open.
     *
     * @return false if the scheduler refused the task (it was shut down as the broadcaster closed);
     *         the caller then emits at once, outside the lock
     */
    private boolean added() {
        started = true;
        if (timer.isOpen()) {
            return true;
        }
        buffers.pending(this, true);
        return timer.open(window, this::onTimer);
    }

    private void onTimer(long window) {
        synchronized (emitLock) {
            synchronized (this) {
                if (!timer.due(window)) {
                    return; // an emit already took the window, or the scheduler fired early
                }
            }
            emit(false);
        }
    }

    /** {@code appendPriority}: {@code add} runs holding {@code this}, then the batch goes at once with it. */
    /**
     * Adds under this buffer's lock and opens a window if none is open; when no timer could be
     * scheduled, sends at once rather than hold the line.
     */
    final void addInWindow(Runnable add) {
        boolean armed;
        synchronized (this) {
            checkOpen();
            add.run();
            armed = added();
        }
        if (!armed) {
            emit(false);
        }
    }

    final void addAndEmit(Runnable add) {
        synchronized (emitLock) {
            synchronized (this) {
                checkOpen();
                add.run();
                started = true;
            }
            emit(true);
        }
    }

    final void flushNow() {
        emit(true);
    }

    final void closeNow() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        emit(true);
    }

    /** The broadcaster is closing: send what is pending while its dispatcher still accepts it. */
    final void flushOnBroadcasterClose() {
        emit(false);
    }

    /**
     * Takes what is pending, encodes it once and hands it to the dispatcher as one queued
     * anonymous broadcast; ends the window.
     *
     * @param throwing throw a payload Jackson cannot write at the caller (it is logged either way)
     */
    final void emit(boolean throwing) {
        synchronized (emitLock) {
            Batch batch;
            synchronized (this) {
                timer.close();
                buffers.pending(this, false);
                if (!hasPending()) {
                    return;
                }
                batch = takeBatch();
            }
            List<String> events = new ArrayList<>(1);
            try {
                encode(batch, events);
            } catch (IllegalArgumentException e) {
                Dispatcher.LOG.warn("A batch of {} was not sent: {}", description, e.getMessage());
                if (throwing) {
                    throw e;
                }
                return;
            }
            for (String json : events) {
                buffers.submit(new ResolvedBroadcast(null, event, List.of(channel), json, exceptSocketId, false));
            }
        }
    }

    /**
     * Encodes a batch once; only when its JSON passes {@link #MAX_BATCH_BYTES} are its halves
     * encoded instead, recursively, so every event stays within the limit (a single item larger
     * than the limit goes alone, and the driver refuses it).
     */
    private void encode(Batch batch, List<String> events) {
        String json = EventResolver.payloadJson(batch.payload(), description);
        encodes.incrementAndGet();
        List<Batch> halves = Json.utf8Length(json) > MAX_BATCH_BYTES ? batch.halves() : List.of();
        if (halves.isEmpty()) {
            events.add(json);
            return;
        }
        for (Batch half : halves) {
            encode(half, events);
        }
    }
}
