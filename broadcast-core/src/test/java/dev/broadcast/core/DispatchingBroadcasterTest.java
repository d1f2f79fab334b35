package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastNow;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ShouldBroadcastNow;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dispatcher: queued versus now sends, batches, a full queue, failures that are logged not thrown, close. */
class DispatchingBroadcasterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @BroadcastOn("orders")
    public record Queued(int n) {
    }

    @BroadcastOn("orders")
    @BroadcastNow
    public record Annotated(int n) {
    }

    public record Urgent(int n) implements ShouldBroadcastNow {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("orders"));
        }
    }

    @Test
    void queuedSendsRunOnTheDispatcherThreadInOrder() {
        RecordingDriver driver = new RecordingDriver();
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            List<CompletableFuture<BroadcastReceipt>> stages = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                stages.add(send(broadcaster, "e" + i));
            }
            stages.forEach(CompletableFuture::join);

            assertEquals(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "e" + i).toList(), driver.names());
            assertTrue(driver.threads().stream().allMatch("broadcast-dispatch"::equals), driver.threads()::toString);
            assertTrue(driver.delivered().stream().noneMatch(ResolvedBroadcast::now));
            assertEquals(new BroadcastReceipt("e0", List.of(Channel.of("orders")), OptionalInt.of(1)), stages.get(0).join());
        }
    }

    @Test
    void nowSendsRunOnTheCallersThreadAndAreCompleteOnReturn() {
        RecordingDriver driver = new RecordingDriver();
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            CompletableFuture<BroadcastReceipt> urgent = broadcaster.broadcast(new Urgent(1)).toCompletableFuture();
            CompletableFuture<BroadcastReceipt> annotated = broadcaster.broadcast(new Annotated(2)).toCompletableFuture();
            BroadcastReceipt anonymous = broadcaster.on(Channel.of("orders")).as("now").sendNow();

            assertTrue(urgent.isDone() && annotated.isDone());
            assertEquals("Urgent", urgent.join().event());
            assertEquals("Annotated", annotated.join().event());
            assertEquals("now", anonymous.event());
            String me = Thread.currentThread().getName();
            assertEquals(List.of(me, me, me), driver.threads());
            assertTrue(driver.delivered().stream().allMatch(ResolvedBroadcast::now));
        }
    }

    @Test
    void everythingWaitingIsHandedToTheDriverInOneList() throws Exception {
        RecordingDriver driver = new RecordingDriver().hold();
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            CompletableFuture<BroadcastReceipt> first = send(broadcaster, "first");
            driver.awaitHeld();
            List<CompletableFuture<BroadcastReceipt>> rest = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d", "e")) {
                rest.add(send(broadcaster, name));
            }
            driver.release();
            first.join();
            rest.forEach(CompletableFuture::join);

            assertEquals(List.of(List.of("first"), List.of("a", "b", "c", "d", "e")), driver.lists());
        }
    }

    @Test
    void aFullQueueFailsTheStageAtOnceAndLogsTheEventName() throws Exception {
        RecordingDriver driver = new RecordingDriver().hold();
        try (LogCapture log = new LogCapture();
                DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).queueCapacity(2).build()) {
            CompletableFuture<BroadcastReceipt> first = send(broadcaster, "first");
            driver.awaitHeld(); // taken off the queue: two places are free again
            CompletableFuture<BroadcastReceipt> second = send(broadcaster, "second");
            CompletableFuture<BroadcastReceipt> third = send(broadcaster, "third");

            CompletableFuture<BroadcastReceipt> overflow = broadcaster.on(Channel.of("orders")).as("overflow")
                    .with(Map.of("card", "4111-1111")).send().toCompletableFuture();

            assertTrue(overflow.isCompletedExceptionally(), "failed at once, not thrown");
            BroadcastException e = failure(overflow);
            assertEquals("The broadcast queue is full (2 waiting); event overflow was not sent", e.getMessage());
            assertEquals(List.of("Broadcast overflow on [orders] failed: The broadcast queue is full (2 waiting);"
                    + " event overflow was not sent"), stripped(log.lines("overflow")));
            assertFalse(log.text().contains("4111"), "the payload is never logged");

            driver.release();
            List.of(first, second, third).forEach(CompletableFuture::join);
            assertEquals(List.of("first", "second", "third"), driver.names());
        }
    }

    @Test
    void aDriverFailureFailsOnlyItsOwnStageAndIsLoggedNotThrown() throws Exception {
        RecordingDriver driver = new RecordingDriver().hold().failWhen(b -> b.name().equals("bad"));
        try (LogCapture log = new LogCapture(); DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            CompletableFuture<BroadcastReceipt> first = send(broadcaster, "first");
            driver.awaitHeld();
            CompletableFuture<BroadcastReceipt> good1 = send(broadcaster, "good1");
            CompletableFuture<BroadcastReceipt> bad = broadcaster.on(Channel.of("orders"), Channel.of("audit")).as("bad")
                    .with(Map.of("password", "hunter2")).send().toCompletableFuture();
            CompletableFuture<BroadcastReceipt> good2 = send(broadcaster, "good2");
            driver.release();

            assertEquals("good1", good1.join().event());
            assertEquals("good2", good2.join().event());
            first.join();
            assertEquals("refused bad", failure(bad).getMessage());
            assertEquals(List.of(List.of("first"), List.of("good1", "bad", "good2")), driver.lists());
            awaitLine(log, "Broadcast bad");
            assertEquals(List.of("Broadcast bad on [orders, audit] failed: refused bad"), stripped(log.lines("Broadcast bad")));
            assertFalse(log.text().contains("hunter2"), "the payload is never logged");
        }
    }

    @Test
    void aFailingNowEventGivesAFailedStageWhileSendNowThrows() {
        RecordingDriver driver = new RecordingDriver().failWhen(b -> true);
        try (LogCapture log = new LogCapture(); DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            CompletionStage<BroadcastReceipt> stage = broadcaster.broadcast(new Urgent(1));

            assertEquals("refused Urgent", failure(stage.toCompletableFuture()).getMessage());
            assertEquals(List.of("Broadcast Urgent on [orders] failed: refused Urgent"), stripped(log.lines("Urgent")));

            BroadcastException thrown = assertThrows(BroadcastException.class,
                    () -> broadcaster.on(Channel.of("orders")).as("direct").sendNow());
            assertEquals("refused direct", thrown.getMessage());
            assertEquals(List.of(), log.lines("direct"), "sendNow reports by throwing, not by logging");
        }
    }

    @Test
    void anythingADriverThrowsBecomesABroadcastException() {
        BroadcastDriver broken = broadcast -> {
            throw new IllegalStateException("socket gone");
        };
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(broken).build()) {
            BroadcastException queued = failure(send(broadcaster, "queued"));
            assertEquals("Sending event queued failed: java.lang.IllegalStateException: socket gone", queued.getMessage());
            assertInstanceOf(IllegalStateException.class, queued.getCause());

            BroadcastException now = assertThrows(BroadcastException.class,
                    () -> broadcaster.on(Channel.of("orders")).as("now").sendNow());
            assertEquals("Sending event now failed: java.lang.IllegalStateException: socket gone", now.getMessage());
        }
        BroadcastDriver returnsNull = broadcast -> null;
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(returnsNull).build()) {
            assertThrows(BroadcastException.class, () -> broadcaster.on(Channel.of("orders")).as("x").sendNow());
        }
    }

    @Test
    void aDeliverAllThatThrowsOrMiscountsFailsItsWholeList() {
        BroadcastDriver allOrNothing = new BroadcastDriver() {
            @Override
            public BroadcastReceipt send(ResolvedBroadcast broadcast) {
                throw new AssertionError("deliverAll is overridden");
            }

            @Override
            public List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
                if (broadcasts.get(0).name().equals("miscount")) {
                    return List.of();
                }
                throw new BroadcastException("batch refused");
            }
        };
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(allOrNothing).build()) {
            assertEquals("batch refused", failure(send(broadcaster, "x")).getMessage());
            assertTrue(failure(send(broadcaster, "miscount")).getMessage().endsWith(
                    ".sendAll returned 0 receipts for 1 broadcasts"));
        }
    }

    @Test
    void closeDeliversWhatIsQueuedThenRefusesAndClosesTheDriver() throws Exception {
        RecordingDriver driver = new RecordingDriver().hold();
        DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build();
        Broadcaster others = broadcaster.toOthers("1.2");
        List<CompletableFuture<BroadcastReceipt>> stages = new ArrayList<>();
        stages.add(send(broadcaster, "first"));
        driver.awaitHeld();
        for (int i = 0; i < 5; i++) {
            stages.add(send(broadcaster, "queued" + i));
        }
        Thread closer = new Thread(broadcaster::close, "closer");
        closer.start();
        // close() has stopped accepting and waits for the dispatcher: now let the driver go on
        WebhookReceiver.awaitCondition(() -> closer.getState() == Thread.State.TIMED_WAITING, WAIT,
                () -> "close() is not waiting: " + closer.getState());
        driver.release();
        closer.join(WAIT.toMillis());

        assertFalse(closer.isAlive(), "close() returned");
        stages.forEach(CompletableFuture::join);
        assertEquals(List.of("first", "queued0", "queued1", "queued2", "queued3", "queued4"), driver.names());
        assertTrue(driver.closed(), "the driver was closed");
        assertEquals("The broadcaster is closed; event late was not sent", failure(send(broadcaster, "late")).getMessage());
        assertEquals("The broadcaster is closed; event Queued was not sent",
                failure(others.broadcast(new Queued(1)).toCompletableFuture()).getMessage());
        assertEquals("The broadcaster is closed; event now was not sent", assertThrows(BroadcastException.class,
                () -> broadcaster.on(Channel.of("orders")).as("now").sendNow()).getMessage());
        broadcaster.close(); // idempotent
    }

    @Test
    void closeWaitsNoLongerThanItsTimeoutForAStuckDriver() throws Exception {
        RecordingDriver driver = new RecordingDriver().hold();
        DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).closeTimeout(Duration.ofMillis(100)).build();
        CompletableFuture<BroadcastReceipt> stuck = send(broadcaster, "stuck");
        driver.awaitHeld();
        CompletableFuture<BroadcastReceipt> waiting = send(broadcaster, "waiting");

        long start = System.nanoTime();
        broadcaster.close();
        long took = System.nanoTime() - start;

        assertTrue(took < TimeUnit.SECONDS.toNanos(5), "close took " + took / 1_000_000 + " ms");
        assertEquals("The broadcaster closed before event waiting was sent", failure(waiting).getMessage());
        assertEquals("interrupted", failure(stuck).getMessage(), "the stuck delivery was interrupted");
        assertTrue(driver.closed());
    }

    @Test
    void dispatchOnCallerThreadDeliversQueuedSendsAtOnceStillMarkedQueued() {
        RecordingDriver driver = new RecordingDriver();
        try (DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).dispatchOnCallerThread().build()) {
            CompletableFuture<BroadcastReceipt> stage = broadcaster.broadcast(new Queued(1)).toCompletableFuture();

            assertTrue(stage.isDone());
            assertEquals(List.of(Thread.currentThread().getName()), driver.threads());
            assertFalse(driver.delivered().get(0).now());
        }
        assertTrue(driver.closed());
    }

    @Test
    void builderRefusesNonsense() {
        DispatchingBroadcaster.Builder builder = Broadcasters.builder(new RecordingDriver());
        assertEquals("queueCapacity must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> builder.queueCapacity(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> Broadcasters.builder(null));
    }

    @Test
    void theNoneDriverSendsNothingButStillResolves() {
        try (DispatchingBroadcaster broadcaster = Broadcasters.none()) {
            assertEquals(new BroadcastReceipt("Queued", List.of(Channel.of("orders")), OptionalInt.empty()),
                    broadcaster.broadcast(new Queued(1)).toCompletableFuture().join());
            assertThrows(IllegalArgumentException.class, () -> broadcaster.broadcast("not an event"));
        }
    }

    @Test
    void theLogDriverLogsNameChannelsSizeAndExclusionButNotThePayload() {
        try (LogCapture log = new LogCapture(); DispatchingBroadcaster broadcaster = Broadcasters.log()) {
            BroadcastReceipt receipt = broadcaster.on(Channel.of("orders"), Channel.privateChannel("audit"))
                    .as("order.shipped").with(Map.of("card", "4111-1111")).toOthers("12.34").sendNow();

            assertEquals(OptionalInt.empty(), receipt.connections());
            assertEquals(List.of("Broadcast order.shipped on [orders, private-audit] (20 bytes) except socket 12.34"),
                    stripped(log.lines("order.shipped")));
            assertFalse(log.text().contains("4111"));
        }
    }

    // --- helpers ---

    private static CompletableFuture<BroadcastReceipt> send(Broadcaster broadcaster, String name) {
        return broadcaster.on(Channel.of("orders")).as(name).send().toCompletableFuture();
    }

    /** The BroadcastException a stage failed with, waiting at most 10 s for it. */
    private static BroadcastException failure(CompletableFuture<BroadcastReceipt> stage) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> stage.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        return assertInstanceOf(BroadcastException.class, e.getCause());
    }

    private static void awaitLine(LogCapture log, String fragment) {
        WebhookReceiver.awaitCondition(() -> !log.lines(fragment).isEmpty(), WAIT, () -> "no log line with " + fragment);
    }

    /** Log lines from the level on: {@code [thread] WARN logger - message} becomes {@code message}. */
    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(line -> line.substring(line.indexOf(" - ") + 3)).toList();
    }
}
