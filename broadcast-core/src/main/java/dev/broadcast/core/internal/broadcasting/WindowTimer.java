package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.core.config.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One window at a time on a scheduler, for the throttled buffers and the dispatcher's batch window:
 * one task per open window and none while closed; a window is never cut short by a scheduler that
 * fires early (the task is re-armed for the rest); a task that was already starting when its window
 * ended finds its id stale.
 *
 * <p>Not thread-safe: the owner calls every method holding its own lock, including from the task
 * ({@code onEnd} receives the window's id, to hand to {@link #due}).
 */
final class WindowTimer {

    /** Asked at each arm, so that an owner that never opens a window never starts a scheduler thread. */
    private final Supplier<Scheduler> scheduler;
    private final InstantSource clock;
    private long id;
    private Scheduler.Cancellable task;
    private Instant end;
    private LongConsumer onEnd;

    WindowTimer(Supplier<Scheduler> scheduler, InstantSource clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    boolean isOpen() {
        return task != null;
    }

    /**
     * Opens a window of {@code length}; at its end {@code onEnd} runs on the scheduler's thread.
     *
     * @return false if the scheduler refused the task (it is shut down): no window is open, and the
     *         owner should act at once rather than hold anything back
     */
    boolean open(Duration length, LongConsumer onEnd) {
        this.end = clock.instant().plus(length);
        this.onEnd = onEnd;
        return arm(length);
    }

    /**
     * Whether window {@code firedId} has ended now. False when it is stale (already ended) or the
     * task fired before the window's end by the clock, in which case the task is re-armed for the
     * rest; true too when that re-arm is refused.
     */
    boolean due(long firedId) {
        if (firedId != id) {
            return false;
        }
        Instant now = clock.instant();
        return !(now.isBefore(end) && arm(Duration.between(now, end)));
    }

    /** Ends the open window, if any: its task is cancelled, and one already starting finds itself stale. */
    void close() {
        id++;
        if (task != null) {
            task.cancel();
            task = null;
        }
    }

    private boolean arm(Duration delay) {
        long mine = id;
        LongConsumer callback = onEnd;
        try {
            task = scheduler.get().schedule(() -> callback.accept(mine), delay);
            return true;
        } catch (RuntimeException rejected) {
            task = null;
            return false;
        }
    }
}
