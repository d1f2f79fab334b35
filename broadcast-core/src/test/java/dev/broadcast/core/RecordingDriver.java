package dev.broadcast.core;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A driver that records what it is handed, on which thread, and in which {@code deliverAll}
 * lists; it can fail chosen broadcasts and hold deliveries until released.
 */
final class RecordingDriver implements BroadcastDriver {

    private final List<ResolvedBroadcast> delivered = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    private final List<List<String>> lists = new ArrayList<>();
    private volatile Predicate<ResolvedBroadcast> failing = b -> false;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);
    private volatile boolean closed;

    /** From now on, broadcasts matching {@code which} fail with a BroadcastException. */
    RecordingDriver failWhen(Predicate<ResolvedBroadcast> which) {
        this.failing = which;
        return this;
    }

    /** From now on, deliveries wait until {@link #release()}; {@link #awaitHeld()} tells when one is waiting. */
    RecordingDriver hold() {
        this.gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        gate.countDown();
    }

    /** Waits until a delivery is held at the gate. */
    void awaitHeld() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no delivery reached the driver within 10 s");
        }
    }

    @Override
    public BroadcastReceipt send(ResolvedBroadcast broadcast) {
        entered.countDown();
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the driver was held for more than 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BroadcastException("interrupted", e);
        }
        synchronized (this) {
            delivered.add(broadcast);
            threads.add(Thread.currentThread().getName());
        }
        if (failing.test(broadcast)) {
            throw new BroadcastException("refused " + broadcast.name());
        }
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.of(broadcast.channels().size()));
    }

    @Override
    public List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
        synchronized (this) {
            lists.add(broadcasts.stream().map(ResolvedBroadcast::name).toList());
        }
        return BroadcastDriver.super.sendAll(broadcasts);
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** Every broadcast handed over so far, failed ones included, in order. */
    synchronized List<ResolvedBroadcast> delivered() {
        return List.copyOf(delivered);
    }

    synchronized List<String> names() {
        return delivered.stream().map(ResolvedBroadcast::name).toList();
    }

    /** The thread each broadcast was handed over on. */
    synchronized List<String> threads() {
        return List.copyOf(threads);
    }

    /** The names in each {@code deliverAll} list, in order. */
    synchronized List<List<String>> lists() {
        return List.copyOf(lists);
    }

    /** Waits until {@code n} broadcasts were handed over. */
    void awaitDelivered(int n) {
        WebhookReceiver.awaitCondition(() -> delivered().size() >= n, Duration.ofSeconds(10),
                () -> "expected " + n + " deliveries, got " + names());
    }
}
