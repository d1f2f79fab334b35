package dev.broadcast.core.config;

import java.time.Duration;

/**
 * Where the engine runs its few timed tasks: the heartbeat sweep (one task for all connections),
 * webhook retries, and the windows of throttled buffers and batches. Injectable so tests advance
 * time by hand instead of sleeping.
 *
 * <p>Tasks must be short; they run one at a time on the scheduler's thread.
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} every {@code period}, first after one period, until cancelled. */
    Cancellable scheduleAtFixedRate(Runnable task, Duration period);

    /**
     * Stops the scheduler: what is scheduled is dropped and its thread ends. A hub or broadcaster
     * closes only the scheduler it made itself, never one it was given. Nothing by default.
     */
    @Override
    default void close() {
    }

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /**
     * A scheduler backed by one daemon thread named {@code broadcast-timer}, until {@link #close()}.
     */
    static Scheduler daemon() {
        return new DaemonScheduler();
    }
}
