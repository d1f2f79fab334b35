package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastNow;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.OutputBuffer;
import dev.broadcast.ShouldBroadcastNow;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The opt-in batch window of queued broadcasts: one window opened by the first broadcast to wait,
 * one scheduled task per window, everything waiting delivered together in order when it ends.
 * Time moves only through the manual scheduler; most tests deliver on the thread that advances it
 * (dispatchOnCallerThread), two use the real dispatcher thread.
 */
class BatchWindowTest {

    private static final Duration WINDOW = Duration.ofMillis(20);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Channel ORDERS = Channel.of("orders");

    @BroadcastOn("orders")
    @BroadcastNow
    public record Annotated(int n) {
    }

    public record Urgent(int n) implements ShouldBroadcastNow {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(ORDERS);
        }
    }

    private final ManualClock clock = new ManualClock(Fixture.START);
    private final ManualScheduler manual = new ManualScheduler(clock);
    private final CountingScheduler scheduler = new CountingScheduler(manual);
    private final RecordingDriver driver = new RecordingDriver();
    private final List<DispatchingBroadcaster> made = new ArrayList<>();

    @AfterEach
    void closeAll() {
        made.forEach(DispatchingBroadcaster::close);
    }

    @Test
    void withoutAWindowQueuedSendsAreNotHeldAndNothingIsScheduled() {
        DispatchingBroadcaster broadcaster = track(Broadcasters.builder(driver).dispatchOnCallerThread()
                .scheduler(scheduler).clock(clock).build());
        CompletableFuture<BroadcastReceipt> a = send(broadcaster, "a");

        assertTrue(a.isDone());
        assertEquals(List.of("a"), driver.names());
        assertEquals(0, scheduler.scheduled);
    }

    @Test
    void theFirstBroadcastOpensAWindowAndEverythingSentDuringItArrivesInOneListInOrder() {
        DispatchingBroadcaster broadcaster = windowed();
        List<CompletableFuture<BroadcastReceipt>> stages = new ArrayList<>();
        stages.add(send(broadcaster, "a"));
        assertEquals(1, manual.tasks().size(), "the first broadcast opened the window");
        assertEquals(Fixture.START.plus(WINDOW), manual.tasks().get(0).due);

        manual.advance(Duration.ofMillis(5));
        stages.add(send(broadcaster, "b"));
        manual.advance(Duration.ofMillis(10));
        stages.add(send(broadcaster, "c"));
        stages.add(broadcaster.broadcast(new DispatchingBroadcasterTest.Queued(4)).toCompletableFuture());
        manual.advance(Duration.ofMillis(4)); // 19 ms: still open
        assertEquals(List.of(), driver.lists(), "nothing reaches the driver before the window ends");
        assertTrue(stages.stream().noneMatch(CompletableFuture::isDone), "no stage completes before delivery");
        assertEquals(1, scheduler.scheduled, "one task for the window, not one per broadcast");

        manual.advance(Duration.ofMillis(1));
        assertEquals(List.of(List.of("a", "b", "c", "Queued")), driver.lists());
        assertTrue(stages.stream().allMatch(CompletableFuture::isDone));
        assertEquals(new BroadcastReceipt("a", List.of(ORDERS), OptionalInt.of(1)), stages.get(0).join());
        assertEquals("Queued", stages.get(3).join().event());
        assertTrue(driver.delivered().stream().noneMatch(ResolvedBroadcast::now), "still marked queued");
        assertEquals(List.of(), manual.tasks(), "nothing scheduled once delivered");
    }

    @Test
    void oneTaskPerWindowNoneWhileIdleAndTheNextBroadcastOpensAFreshWindow() {
        DispatchingBroadcaster broadcaster = windowed();
        for (int window = 0; window < 3; window++) {
            for (int i = 0; i < 50; i++) {
                send(broadcaster, "w" + window + "." + i);
            }
            manual.advance(WINDOW);
            assertEquals(window + 1, scheduler.scheduled, "one task per window");
            assertEquals(List.of(), manual.tasks(), "none while idle");
            manual.advance(Duration.ofSeconds(1));
            assertEquals(window + 1, driver.lists().size(), "nothing more while idle");
        }
        assertEquals(IntStream.range(0, 3).mapToObj(w -> IntStream.range(0, 50).mapToObj(i -> "w" + w + "." + i).toList())
                .toList(), driver.lists());

        send(broadcaster, "late");
        manual.advance(WINDOW.minusMillis(1));
        assertEquals(3, driver.lists().size(), "the new window runs a full window from its first broadcast");
        manual.advance(Duration.ofMillis(1));
        assertEquals(List.of("late"), driver.lists().get(3));
        assertEquals(0, manual.periodicTaskCount());
    }

    @Test
    void aLargeWindowIsHandedOverAHundredAtATimeInOrderWithoutWaitingForAnotherWindow() {
        DispatchingBroadcaster broadcaster = windowed();
        List<String> names = IntStream.range(0, 250).mapToObj(i -> "e" + i).toList();
        List<CompletableFuture<BroadcastReceipt>> stages = names.stream().map(name -> send(broadcaster, name)).toList();
        manual.advance(WINDOW);

        assertEquals(List.of(names.subList(0, 100), names.subList(100, 200), names.subList(200, 250)), driver.lists());
        assertTrue(stages.stream().allMatch(CompletableFuture::isDone));
        assertEquals(1, scheduler.scheduled);
    }

    @Test
    void nowSendsBypassTheWindowOnTheCallersThread() {
        DispatchingBroadcaster broadcaster = windowed();
        CompletableFuture<BroadcastReceipt> queued = send(broadcaster, "queued");
        CompletableFuture<BroadcastReceipt> urgent = broadcaster.broadcast(new Urgent(1)).toCompletableFuture();
        CompletableFuture<BroadcastReceipt> annotated = broadcaster.broadcast(new Annotated(2)).toCompletableFuture();
        BroadcastReceipt direct = broadcaster.on(ORDERS).as("direct").sendNow();

        assertTrue(urgent.isDone() && annotated.isDone());
        assertEquals("direct", direct.event());
        assertEquals(List.of("Urgent", "Annotated", "direct"), driver.names(), "sent at once, ahead of the queued one");
        assertTrue(driver.delivered().stream().allMatch(ResolvedBroadcast::now));
        assertFalse(queued.isDone());

        manual.advance(WINDOW);
        assertEquals(List.of("Urgent", "Annotated", "direct", "queued"), driver.names());
        assertEquals(1, scheduler.scheduled, "now sends opened no window");
    }

    @Test
    void closeDeliversWhatWaitsAtOnceCancelsTheWindowAndRefusesLaterBroadcasts() {
        DispatchingBroadcaster broadcaster = windowed();
        CompletableFuture<BroadcastReceipt> a = send(broadcaster, "a");
        CompletableFuture<BroadcastReceipt> b = send(broadcaster, "b");
        broadcaster.close();

        assertEquals(List.of(List.of("a", "b")), driver.lists());
        assertTrue(a.isDone() && b.isDone());
        assertEquals(List.of(), manual.tasks(), "the window's task was cancelled");
        assertTrue(driver.closed());
        assertEquals("The broadcaster is closed; event late was not sent", failure(send(broadcaster, "late")).getMessage());
        manual.advance(Duration.ofSeconds(1));
        assertEquals(1, driver.lists().size());
    }

    @Test
    void aDriverFailureFailsThatBatchsStagesAndIsLogged() {
        List<List<String>> lists = new ArrayList<>();
        BroadcastDriver refusing = new BroadcastDriver() {
            @Override
            public BroadcastReceipt send(ResolvedBroadcast broadcast) {
                throw new AssertionError("deliverAll is overridden");
            }

            @Override
            public List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
                lists.add(broadcasts.stream().map(ResolvedBroadcast::name).toList());
                throw new BroadcastException("batch refused");
            }
        };
        try (LogCapture log = new LogCapture()) {
            DispatchingBroadcaster broadcaster = track(Broadcasters.builder(refusing).batchWindow(WINDOW)
                    .dispatchOnCallerThread().scheduler(scheduler).clock(clock).build());
            CompletableFuture<BroadcastReceipt> a = send(broadcaster, "a");
            CompletableFuture<BroadcastReceipt> b = send(broadcaster, "b");
            assertEquals(List.of(), log.lines("batch refused"));
            manual.advance(WINDOW);

            assertEquals(List.of(List.of("a", "b")), lists);
            assertEquals("batch refused", failure(a).getMessage());
            assertEquals("batch refused", failure(b).getMessage());
            assertEquals(List.of("Broadcast a on [orders] failed: batch refused",
                    "Broadcast b on [orders] failed: batch refused"), stripped(log.lines("batch refused")));
        }
    }

    @Test
    void aFailureOfOneBroadcastFailsOnlyItsOwnStage() {
        driver.failWhen(b -> b.name().equals("bad"));
        DispatchingBroadcaster broadcaster = windowed();
        CompletableFuture<BroadcastReceipt> good1 = send(broadcaster, "good1");
        CompletableFuture<BroadcastReceipt> bad = send(broadcaster, "bad");
        CompletableFuture<BroadcastReceipt> good2 = send(broadcaster, "good2");
        manual.advance(WINDOW);

        assertEquals(List.of(List.of("good1", "bad", "good2")), driver.lists());
        assertEquals("good1", good1.join().event());
        assertEquals("good2", good2.join().event());
        assertEquals("refused bad", failure(bad).getMessage());
    }

    @Test
    void waitingBroadcastsCountTowardsTheQueueCapacity() {
        DispatchingBroadcaster broadcaster = track(Broadcasters.builder(driver).batchWindow(WINDOW).queueCapacity(2)
                .dispatchOnCallerThread().scheduler(scheduler).clock(clock).build());
        send(broadcaster, "a");
        send(broadcaster, "b");
        assertEquals("The broadcast queue is full (2 waiting); event c was not sent",
                failure(send(broadcaster, "c")).getMessage());
        manual.advance(WINDOW);
        assertEquals(List.of(List.of("a", "b")), driver.lists());
        send(broadcaster, "d");
        manual.advance(WINDOW);
        assertEquals(List.of("d"), driver.lists().get(1), "room again once the window was delivered");
    }

    @Test
    void aWindowIsNotCutShortByASchedulerThatFiresEarly() {
        DispatchingBroadcaster broadcaster = windowed();
        send(broadcaster, "a");
        ManualScheduler.Task task = manual.tasks().get(0);
        task.cancel();
        clock.advance(Duration.ofMillis(5));
        task.runnable.run(); // fires 15 ms early
        assertEquals(List.of(), driver.lists());
        assertEquals(Fixture.START.plus(WINDOW), manual.tasks().get(0).due, "re-armed for the rest of the window");
        manual.advance(Duration.ofMillis(15));
        assertEquals(List.of(List.of("a")), driver.lists());
    }

    @Test
    void aSchedulerThatRefusesTheWindowsTaskNeverHoldsABroadcastBack() {
        Scheduler refusing = new Scheduler() {
            @Override
            public Cancellable schedule(Runnable task, Duration delay) {
                throw new RejectedExecutionException("shut down");
            }

            @Override
            public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
                throw new RejectedExecutionException("shut down");
            }
        };
        DispatchingBroadcaster broadcaster = track(Broadcasters.builder(driver).batchWindow(WINDOW)
                .dispatchOnCallerThread().scheduler(refusing).clock(clock).build());
        CompletableFuture<BroadcastReceipt> a = send(broadcaster, "a");
        assertTrue(a.isDone());
        assertEquals(List.of(List.of("a")), driver.lists());
    }

    @Test
    void batchesOfThrottledBuffersDoNotWaitForTheBatchWindow() {
        DispatchingBroadcaster broadcaster = windowed();
        OutputBuffer out = broadcaster.buffer(ORDERS, "agent.output").window(WINDOW.dividedBy(2));
        send(broadcaster, "before"); // opens a batch window
        out.append("line");
        manual.advance(WINDOW.dividedBy(2)); // the buffer's window ends: its batch goes at once
        assertEquals(List.of("agent.output"), names(driver.delivered()));
        manual.advance(WINDOW.dividedBy(2));
        assertEquals(List.of("agent.output", "before"), names(driver.delivered()));
    }

    @Test
    void theDispatcherThreadGetsTheWholeWindowInOneListWhenItEnds() {
        DispatchingBroadcaster broadcaster = track(Broadcasters.builder(driver).batchWindow(WINDOW)
                .scheduler(scheduler).clock(clock).build());
        List<CompletableFuture<BroadcastReceipt>> stages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stages.add(send(broadcaster, "e" + i));
        }
        // nothing is on the dispatcher's queue yet, so the driver cannot have been called
        assertEquals(List.of(), driver.lists());
        assertTrue(stages.stream().noneMatch(CompletableFuture::isDone));
        assertEquals(1, manual.tasks().size());

        manual.advance(WINDOW);
        stages.forEach(stage -> stage.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        assertEquals(List.of(IntStream.range(0, 30).mapToObj(i -> "e" + i).toList()), driver.lists());
        assertTrue(driver.threads().stream().allMatch("broadcast-dispatch"::equals), driver.threads()::toString);
        assertEquals(List.of(), manual.tasks());
    }

    @Test
    void closingWithADispatcherThreadDeliversTheOpenWindowBeforeTheDriverCloses() {
        DispatchingBroadcaster broadcaster = track(Broadcasters.builder(driver).batchWindow(Duration.ofSeconds(10))
                .scheduler(scheduler).clock(clock).build());
        CompletableFuture<BroadcastReceipt> a = send(broadcaster, "a");
        CompletableFuture<BroadcastReceipt> b = send(broadcaster, "b");
        broadcaster.close(); // long before the window would end

        assertTrue(a.isDone() && b.isDone(), "close waited for the flushed window");
        assertEquals(List.of(List.of("a", "b")), driver.lists());
        assertTrue(driver.closed());
        assertEquals(List.of(), manual.tasks());
    }

    @Test
    void theLocalDriverDeliversAWindowToEachSubscriberInOrderWhenItEnds() {
        try (Fixture fixture = Fixture.create()) {
            List<FixtureClient> clients = List.of(fixture.connect(), fixture.connect());
            clients.forEach(c -> c.subscribe("orders"));
            DispatchingBroadcaster local = track(Broadcasters.builder(Broadcasters.localDriver(fixture.hub, Fixture.ID))
                    .batchWindow(WINDOW).dispatchOnCallerThread().scheduler(fixture.scheduler).clock(fixture.clock)
                    .build());
            CompletableFuture<BroadcastReceipt> first = send(local, "one");
            send(local, "two");
            send(local, "three");
            for (FixtureClient client : clients) {
                assertEquals(List.of(), client.transport.events("one"));
            }
            fixture.scheduler.advance(WINDOW);
            for (FixtureClient client : clients) {
                List<String> names = client.transport.eventNames();
                assertEquals(List.of("one", "two", "three"), names.subList(names.size() - 3, names.size()));
            }
            assertEquals(OptionalInt.of(2), first.join().connections());
            local.close();
        }
    }

    @Test
    void theWindowMustBePositiveAndAtMostTenSeconds() {
        DispatchingBroadcaster.Builder builder = Broadcasters.builder(driver);
        assertEquals("batchWindow must be positive: PT0S",
                assertThrows(IllegalArgumentException.class, () -> builder.batchWindow(Duration.ZERO)).getMessage());
        assertEquals("batchWindow must be positive: PT-0.001S",
                assertThrows(IllegalArgumentException.class, () -> builder.batchWindow(Duration.ofMillis(-1))).getMessage());
        assertEquals("batchWindow must be at most PT10S: PT10.000000001S", assertThrows(IllegalArgumentException.class,
                () -> builder.batchWindow(Duration.ofSeconds(10).plusNanos(1))).getMessage());
        assertEquals("batchWindow must be at most PT10S: PT1M", assertThrows(IllegalArgumentException.class,
                () -> builder.batchWindow(Duration.ofMinutes(1))).getMessage());
        assertEquals("batchWindow",
                assertThrows(NullPointerException.class, () -> builder.batchWindow(null)).getMessage());

        assertEquals(Duration.ofSeconds(10), DispatchingBroadcaster.MAX_BATCH_WINDOW);
        assertSame(builder, builder.batchWindow(DispatchingBroadcaster.MAX_BATCH_WINDOW), "the limit itself is allowed");
        assertSame(builder, builder.batchWindow(Duration.ofNanos(1)));
    }

    // --- helpers ---

    /** Counts every task ever scheduled, including those already run or cancelled. */
    private static final class CountingScheduler implements Scheduler {
        private final Scheduler delegate;
        int scheduled;

        CountingScheduler(Scheduler delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized Cancellable schedule(Runnable task, Duration delay) {
            scheduled++;
            return delegate.schedule(task, delay);
        }

        @Override
        public synchronized Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
            scheduled++;
            return delegate.scheduleAtFixedRate(task, period);
        }
    }

    private static List<String> names(List<ResolvedBroadcast> broadcasts) {
        return broadcasts.stream().map(ResolvedBroadcast::name).toList();
    }

    private DispatchingBroadcaster windowed() {
        return track(Broadcasters.builder(driver).batchWindow(WINDOW).dispatchOnCallerThread()
                .scheduler(scheduler).clock(clock).build());
    }

    private DispatchingBroadcaster track(DispatchingBroadcaster broadcaster) {
        made.add(broadcaster);
        return broadcaster;
    }

    private static CompletableFuture<BroadcastReceipt> send(DispatchingBroadcaster broadcaster, String name) {
        return broadcaster.on(ORDERS).as(name).send().toCompletableFuture();
    }

    private static BroadcastException failure(CompletableFuture<BroadcastReceipt> stage) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> stage.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        return assertInstanceOf(BroadcastException.class, e.getCause());
    }

    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(line -> line.substring(line.indexOf(" - ") + 3)).toList();
    }
}
