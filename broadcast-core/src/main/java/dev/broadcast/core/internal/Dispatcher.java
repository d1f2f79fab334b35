package dev.broadcast.core.internal;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.BroadcastDriver;
import dev.broadcast.core.DriverBroadcaster;
import dev.broadcast.core.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands resolved broadcasts to a driver: queued ones from one daemon thread that drains a bounded
 * queue in order, passing everything waiting to {@link BroadcastDriver#deliverAll} at once; now
 * ones on the caller's thread. Every failure ends as a {@link BroadcastException}, logged with the
 * event name and channels (never the payload) unless the caller receives it as a throw.
 */
public final class Dispatcher {

    /** Logged under the public class, which is the name users configure. */
    private static final Logger LOG = LoggerFactory.getLogger(DriverBroadcaster.class);

    /** At most this many broadcasts per deliverAll, so early ones complete without waiting for a long backlog. */
    static final int MAX_DRAIN = 100;

    private record Job(ResolvedBroadcast broadcast, CompletableFuture<BroadcastReceipt> stage) {
    }

    /** Queued by close(), behind everything accepted before it: the thread stops when it gets here. */
    private static final Job STOP = new Job(null, null);

    private final BroadcastDriver driver;
    private final int capacity;
    private final Duration closeTimeout;
    /** Unbounded so STOP always fits; the capacity is checked under the lock in submit. */
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;

    /**
     * @param onCallerThread deliver queued broadcasts at once on the submitting thread (no
     *                       dispatcher thread); they keep {@code now == false}
     */
    public Dispatcher(BroadcastDriver driver, int capacity, boolean onCallerThread, Duration closeTimeout) {
        this.driver = driver;
        this.capacity = capacity;
        this.closeTimeout = closeTimeout;
        if (onCallerThread) {
            this.thread = null;
        } else {
            this.thread = new Thread(this::run, "broadcast-dispatch");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Sends {@code broadcast}: queued, or on this thread when it is {@link ResolvedBroadcast#now()}
     * or there is no dispatcher thread. Never throws; the stage carries the outcome.
     */
    public CompletableFuture<BroadcastReceipt> submit(ResolvedBroadcast broadcast) {
        CompletableFuture<BroadcastReceipt> stage = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return failed(broadcast, closedFailure(broadcast));
            }
            if (thread != null && !broadcast.now()) {
                if (queue.size() >= capacity) {
                    return failed(broadcast, new BroadcastException("The broadcast queue is full (" + capacity
                            + " waiting); event " + broadcast.name() + " was not sent"));
                }
                queue.add(new Job(broadcast, stage));
                return stage;
            }
        }
        try {
            stage.complete(deliver(broadcast));
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
    public BroadcastReceipt deliverNow(ResolvedBroadcast broadcast) {
        synchronized (this) {
            if (closed) {
                throw closedFailure(broadcast);
            }
        }
        return deliver(broadcast);
    }

    /**
     * Stops accepting broadcasts, lets the thread deliver what is queued for at most the close
     * timeout, fails what is left, and closes the driver. Idempotent.
     */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (thread != null) {
                queue.add(STOP);
            }
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
            queue.drainTo(jobs, MAX_DRAIN - 1);
            boolean stop = jobs.removeIf(job -> job == STOP); // nothing is queued after it
            if (!jobs.isEmpty()) {
                deliverAll(jobs);
            }
            jobs.clear();
            if (stop) {
                return;
            }
        }
    }

    private void deliverAll(List<Job> jobs) {
        List<ResolvedBroadcast> broadcasts = jobs.stream().map(Job::broadcast).toList();
        List<?> outcomes;
        try {
            outcomes = driver.deliverAll(broadcasts);
            if (outcomes == null || outcomes.size() != jobs.size()) {
                throw new BroadcastException(driver.getClass().getName() + ".deliverAll returned "
                        + (outcomes == null ? "null" : outcomes.size() + " receipts") + " for " + jobs.size() + " broadcasts");
            }
        } catch (PartialDelivery partial) {
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

    private BroadcastReceipt deliver(ResolvedBroadcast broadcast) {
        BroadcastReceipt receipt;
        try {
            receipt = driver.deliver(broadcast);
        } catch (RuntimeException e) {
            throw failure(broadcast, e);
        }
        if (receipt == null) {
            throw new BroadcastException(driver.getClass().getName() + ".deliver returned null for event "
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
