package dev.broadcast.core;

import dev.broadcast.core.config.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} that records tasks and runs them only when the test advances time with
 * {@link #advance}; the shared {@link ManualClock} is moved to each task's due time before it runs.
 */
final class ManualScheduler implements Scheduler {

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    /** One scheduled task; {@code period} is null for one-shot tasks. */
    final class Task implements Cancellable {
        final Runnable runnable;
        final Duration period;
        final long order = sequence++;
        Instant due;
        boolean cancelled;

        Task(Runnable runnable, Instant due, Duration period) {
            this.runnable = runnable;
            this.due = due;
            this.period = period;
        }

        boolean periodic() {
            return period != null;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(task, clock.instant().plus(delay), null);
        tasks.add(scheduled);
        return scheduled;
    }

    @Override
    public synchronized Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        Task scheduled = new Task(task, clock.instant().plus(period), period);
        tasks.add(scheduled);
        return scheduled;
    }

    /** Tasks not yet run (one-shot) or not cancelled (periodic). */
    synchronized List<Task> tasks() {
        return List.copyOf(tasks);
    }

    synchronized long periodicTaskCount() {
        return tasks.stream().filter(Task::periodic).count();
    }

    /** The period of the only periodic task; fails when there is not exactly one. */
    synchronized Duration onlyPeriod() {
        List<Task> periodic = tasks.stream().filter(Task::periodic).toList();
        if (periodic.size() != 1) {
            throw new AssertionError("expected exactly one periodic task, found " + periodic.size());
        }
        return periodic.get(0).period;
    }

    /**
     * Moves time forward by {@code duration}, running every task that falls due on the way, in
     * due order, with the clock set to each task's due time.
     */
    void advance(Duration duration) {
        Instant end = clock.instant().plus(duration);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(t -> !t.due.isAfter(end))
                        .min(Comparator.<Task, Instant>comparing(t -> t.due).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                if (next.due.isAfter(clock.instant())) {
                    clock.set(next.due);
                }
                if (next.periodic()) {
                    next.due = next.due.plus(next.period);
                } else {
                    tasks.remove(next);
                }
            }
            next.runnable.run();
        }
        clock.set(end);
    }
}
