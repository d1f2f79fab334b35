package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.PartialFailure;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands resolved broadcasts to a driver: queued ones from one daemon thread that drains a bounded
 * queue in order, passing everything waiting to {@link BroadcastDriver#sendAll} at once; now
 * ones on the caller's thread. Every failure ends as a {@link BroadcastException}, logged with the
 * event name and channels (never the payload) unless the caller receives it as a throw.
 *
 * <p><b>Batch window</b> (opt-in). Queued broadcasts first wait in {@code waiting}; the first one
 * to wait opens a window, which is one task on the broadcaster's scheduler (none while nothing
 * waits). When it ends, everything waiting moves to the queue in one step under {@code this}, and
 * {@link #run} drains under {@code this} too, so the thread never sees half a window. Without a
 * dispatcher thread the window's end delivers the batch itself, holding {@code sendLock} so
 * batches reach the driver in the order they were taken. Order is always sendLock, then this.
 * A timer that was cancelled while starting finds its window stale and does nothing ({@link WindowTimer}).
 */
public final class Dispatcher {

    /**
     * Failures of the dispatcher and the throttled buffers are logged under the public class, the
     * name users configure (named here as text: the engine does not import the facade).
     */
    static final Logger LOG = LoggerFactory.getLogger("dev.broadcast.core.DispatchingBroadcaster");

    /** At most this many broadcasts per sendAll, so early ones complete without waiting for a long backlog. */
    static final int MAX_DRAIN = 100;

    private record Job(ResolvedBroadcast broadcast, CompletableFuture<BroadcastReceipt> stage) {
    }

    /** Queued by close(), behind everything accepted before it: the thread stops when it gets here. */
    private static final Job STOP = new Job(null, null);

    /** Instead of a window's id: ends whatever window is open (close, a refused timer). */
    private static final long ANY = -1;

    private final BroadcastDriver driver;
    private final int capacity;
    private final Duration closeTimeout;
    /** Unbounded so STOP always fits; the capacity is checked under the lock in submit. */
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;

    /** Null: no batch window, queued broadcasts go straight to the queue. */
    private final Duration batchWindow;
    private final Object sendLock = new Object();
    /** The batch window's timer on the broadcaster's scheduler; guarded by this once set. */
    private volatile WindowTimer windowTimer;
    /** Queued broadcasts waiting for the open window to end. */
    private List<Job> waiting = new ArrayList<>();

    /**
     * @param onCallerThread deliver queued broadcasts at once on the submitting thread (no
     *                       dispatcher thread); they keep {@code now == false}
     * @param batchWindow    how long queued broadcasts wait to be delivered together, or null for
     *                       not at all; needs {@link #timeWindowsWith} before the first submit
     */
    public Dispatcher(BroadcastDriver driver, int capacity, boolean onCallerThread, Duration closeTimeout,
            Duration batchWindow) {
        this.driver = driver;
        this.capacity = capacity;
        this.closeTimeout = closeTimeout;
        this.batchWindow = batchWindow;
        if (onCallerThread) {
            this.thread = null;
        } else {
            this.thread = new Thread(this::run, "broadcast-dispatch");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * The scheduler and clock batch windows use: the broadcaster's, which its buffers hold (and
     * stop on close). Called once, before the first submit; unused without a batch window.
     */
    public void timeWindowsWith(Buffers buffers) {
        this.windowTimer = new WindowTimer(buffers::scheduler, buffers.clock());
    }

    /**
     * Sends {@code broadcast}: queued (after the batch window, if there is one), or on this thread
     * when it is {@link ResolvedBroadcast#now()} or there is neither a dispatcher thread nor a
     * batch window. Never throws; the stage carries the outcome.
     */
    public CompletableFuture<BroadcastReceipt> submit(ResolvedBroadcast broadcast) {
        return submit(broadcast, true);
    }

    /**
     * Like {@link #submit(ResolvedBroadcast)}, but never held by the batch window: for what was
     * already held by a window of its own (the batches of throttled buffers).
     */
    CompletableFuture<BroadcastReceipt> submitUnwindowed(ResolvedBroadcast broadcast) {
        return submit(broadcast, false);
    }

    private CompletableFuture<BroadcastReceipt> submit(ResolvedBroadcast broadcast, boolean windowed) {
        CompletableFuture<BroadcastReceipt> stage = new CompletableFuture<>();
        Duration window = windowed ? batchWindow : null;
        boolean queued = !broadcast.now() && (thread != null || window != null);
        boolean endWindowNow = false;
        synchronized (this) {
            if (closed) {
                return failed(broadcast, closedFailure(broadcast));
            }
            if (queued) {
                if (queue.size() + waiting.size() >= capacity) {
                    return failed(broadcast, new BroadcastException("The broadcast queue is full (" + capacity
                            + " waiting); event " + broadcast.name() + " was not sent"));
                }
                Job job = new Job(broadcast, stage);
                if (window == null) {
                    queue.add(job);
                    return stage;
                }
                waiting.add(job);
                if (!windowTimer.isOpen()) {
                    // a scheduler that refuses never holds a broadcast back
                    endWindowNow = !windowTimer.open(batchWindow, this::endWindow);
                }
            }
        }
        if (queued) {
            if (endWindowNow) {
                endWindow(ANY);
            }
            return stage;
        }
        try {
            stage.complete(send(broadcast));
        } catch (BroadcastException e) {
            log(broadcast, e);
            stage.completeExceptionally(e);
        }
        return stage;
    }

    /**
     * Sends {@code broadcast} on this thread and returns its receipt.
     *
     * @throws BroadcastException if the broadcaster is closed or the driver fails; not logged
     */
    public BroadcastReceipt sendNow(ResolvedBroadcast broadcast) {
        synchronized (this) {
            if (closed) {
                throw closedFailure(broadcast);
            }
        }
        return send(broadcast);
    }

    /**
     * Stops accepting broadcasts, ends the batch window at once, lets the thread deliver what is
     * queued for at most the close timeout, fails what is left, and closes the driver. Without a
     * dispatcher thread, what the window held is delivered on this thread. Idempotent.
     */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (thread != null) {
                queue.addAll(takeWaiting(ANY));
                queue.add(STOP);
            }
        }
        if (thread == null) {
            endWindow(ANY); // also waits for a batch the timer is delivering, before the driver closes
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(Math.max(1, closeTimeout.toMillis())); // join(0) would wait forever
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                List<Job> left = new ArrayList<>();
                queue.drainTo(left);
                for (Job job : left) {
                    if (job != STOP) {
                        job.stage().completeExceptionally(logged(job.broadcast(), new BroadcastException(
                                "The broadcaster closed before event " + job.broadcast().name() + " was sent")));
                    }
                }
                queue.add(STOP); // in case the driver swallows the interrupt
                thread.interrupt();
            }
        }
        try {
            driver.close();
        } catch (Exception e) {
            LOG.warn("Closing the broadcast driver failed: {}", e.toString());
        }
    }

    private void run() {
        List<Job> jobs = new ArrayList<>();
        while (true) {
            try {
                jobs.add(queue.take());
            } catch (InterruptedException e) {
                return; // only close() interrupts, after failing what was left
            }
            synchronized (this) { // a window moves to the queue under this lock: take all of it
                queue.drainTo(jobs, MAX_DRAIN - 1);
            }
            boolean stop = jobs.removeIf(job -> job == STOP); // nothing is queued after it
            if (!jobs.isEmpty()) {
                sendAll(jobs);
            }
            jobs.clear();
            if (stop) {
                return;
            }
        }
    }

    /**
     * Ends the window: what waits goes to the queue, or, without a dispatcher thread, to the driver
     * on this thread, {@link #MAX_DRAIN} at a time.
     *
     * @param mine the id of the window whose timer ends it, or {@link #ANY}
     */
    private void endWindow(long mine) {
        if (thread != null) {
            synchronized (this) {
                queue.addAll(takeWaiting(mine));
            }
            return;
        }
        synchronized (sendLock) {
            List<Job> batch;
            synchronized (this) {
                batch = takeWaiting(mine);
            }
            for (int from = 0; from < batch.size(); from += MAX_DRAIN) {
                sendAll(batch.subList(from, Math.min(batch.size(), from + MAX_DRAIN)));
            }
        }
    }

    /**
     * Called holding {@code this}: takes what waits and closes the window. Takes nothing when a
     * timer's window already ended, or when the timer fired before the window's end by the clock
     * (it is re-armed for the rest: a window is never cut short).
     */
    private List<Job> takeWaiting(long mine) {
        if (mine != ANY && !windowTimer.due(mine)) {
            return List.of();
        }
        if (windowTimer != null) {
            windowTimer.close();
        }
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<Job> batch = waiting;
        waiting = new ArrayList<>();
        return batch;
    }

    private void sendAll(List<Job> jobs) {
        List<ResolvedBroadcast> broadcasts = jobs.stream().map(Job::broadcast).toList();
        List<?> outcomes;
        try {
            outcomes = driver.sendAll(broadcasts);
            if (outcomes == null || outcomes.size() != jobs.size()) {
                throw new BroadcastException(driver.getClass().getName() + ".sendAll returned "
                        + (outcomes == null ? "null" : outcomes.size() + " receipts") + " for " + jobs.size() + " broadcasts");
            }
        } catch (PartialFailure partial) {
            outcomes = partial.outcomes().size() == jobs.size() ? partial.outcomes() : null;
            if (outcomes == null) {
                failAll(jobs, partial);
                return;
            }
        } catch (RuntimeException e) {
            failAll(jobs, e);
            return;
        }
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            Object outcome = outcomes.get(i);
            if (outcome instanceof BroadcastReceipt receipt) {
                job.stage().complete(receipt);
            } else {
                job.stage().completeExceptionally(logged(job.broadcast(), failure(job.broadcast(), outcome)));
            }
        }
    }

    private static void failAll(List<Job> jobs, RuntimeException e) {
        for (Job job : jobs) {
            job.stage().completeExceptionally(logged(job.broadcast(), failure(job.broadcast(), e)));
        }
    }

    private BroadcastReceipt send(ResolvedBroadcast broadcast) {
        BroadcastReceipt receipt;
        try {
            receipt = driver.send(broadcast);
        } catch (RuntimeException e) {
            throw failure(broadcast, e);
        }
        if (receipt == null) {
            throw new BroadcastException(driver.getClass().getName() + ".send returned null for event "
                    + broadcast.name());
        }
        return receipt;
    }

    /** A driver's failure as a BroadcastException; anything else it threw is wrapped, not lost. */
    private static BroadcastException failure(ResolvedBroadcast broadcast, Object thrown) {
        if (thrown instanceof BroadcastException e) {
            return e;
        }
        Throwable cause = thrown instanceof Throwable t ? t : null;
        return new BroadcastException("Sending event " + broadcast.name() + " failed: " + thrown, cause);
    }

    private static BroadcastException closedFailure(ResolvedBroadcast broadcast) {
        return new BroadcastException("The broadcaster is closed; event " + broadcast.name() + " was not sent");
    }

    private static CompletableFuture<BroadcastReceipt> failed(ResolvedBroadcast broadcast, BroadcastException e) {
        return CompletableFuture.failedFuture(logged(broadcast, e));
    }

    private static BroadcastException logged(ResolvedBroadcast broadcast, BroadcastException e) {
        log(broadcast, e);
        return e;
    }

    private static void log(ResolvedBroadcast broadcast, BroadcastException e) {
        LOG.warn("Broadcast {} on {} failed: {}", broadcast.name(), broadcast.channelNames(), e.getMessage());
    }
}
