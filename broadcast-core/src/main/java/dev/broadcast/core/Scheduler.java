package dev.broadcast.core;

import dev.broadcast.core.internal.DaemonScheduler;
import java.time.Duration;

/**
 * Where the engine runs its few timed tasks: the heartbeat sweep (one task for all connections)
 * and webhook retries. Injectable so tests advance time by hand instead of sleeping.
 *
 * <p>Tasks must be short; they run one at a time on the scheduler's thread.
 */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} every {@code period}, first after one period, until cancelled. */
    Cancellable scheduleAtFixedRate(Runnable task, Duration period);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /**
     * A scheduler backed by one daemon thread named {@code broadcast-timer}. Call {@link
     * Cancellable#cancel()} on what it returns; the thread ends with the JVM.
     */
    static Scheduler daemon() {
        return new DaemonScheduler();
    }
}
