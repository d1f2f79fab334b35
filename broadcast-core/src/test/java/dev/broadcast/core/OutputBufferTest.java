package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.broadcasting.ThrottledBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Throttled output buffers: windows, order, the bound, priority, flush and close, conflation, one encode per window. */
class OutputBufferTest {

    private static final Channel TASK = Channel.privateChannel("task.42");
    private static final Duration MS_100 = Duration.ofMillis(100);

    private final ManualClock clock = new ManualClock(Fixture.START);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final RecordingDriver driver = new RecordingDriver();
    private final DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).dispatchOnCallerThread()
            .scheduler(scheduler).clock(clock).build();

    @AfterEach
    void close() {
        broadcaster.close();
    }

    @Test
    void linesAppendedDuringAWindowGoOutAsOneBatchInOrderWhenItEnds() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output").window(MS_100);
        out.append("a");
        out.append("b");
        out.append(Map.of("n", 3));
        assertEquals(1, scheduler.tasks().size(), "one task for the window, not one per line");

        scheduler.advance(Duration.ofMillis(99));
        assertEquals(List.of(), driver.delivered());
        scheduler.advance(Duration.ofMillis(1));

        ResolvedBroadcast batch = only(driver.delivered());
        assertEquals("agent.output", batch.name());
        assertEquals(List.of(TASK), batch.channels());
        assertEquals("{\"lines\":[\"a\",\"b\",{\"n\":3}],\"dropped\":0}", batch.payloadJson());
        assertNull(batch.event(), "an anonymous broadcast");
        assertNull(batch.exceptSocketId());
        assertTrue(!batch.now(), "batches take the queued path");

        scheduler.advance(Duration.ofMillis(30));
        out.append("c");
        scheduler.advance(Duration.ofMillis(99));
        assertEquals(1, driver.delivered().size(), "the second window opened with its first append");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals("{\"lines\":[\"c\"],\"dropped\":0}", driver.delivered().get(1).payloadJson());
    }

    @Test
    void anIdleBufferHoldsNoTimer() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress");
        assertEquals(List.of(), scheduler.tasks(), "nothing scheduled before the first append");

        for (int i = 0; i < 500; i++) {
            out.append("line " + i);
            progress.put("percent", i);
        }
        assertEquals(2, scheduler.tasks().size(), "one task per buffer with something pending");
        scheduler.advance(MS_100);
        assertEquals(2, driver.delivered().size());
        assertEquals(List.of(), scheduler.tasks(), "nothing scheduled once sent");

        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(2, driver.delivered().size(), "no empty batches");
        assertEquals(List.of(), scheduler.tasks());
        assertEquals(0, scheduler.periodicTaskCount());
    }

    @Test
    void theDefaultWindowIs100Ms() {
        assertEquals(Duration.ofMillis(100), OutputBuffer.DEFAULT_WINDOW);
        assertEquals(1000, OutputBuffer.DEFAULT_MAX_LINES);
        broadcaster.buffer(TASK, "agent.output").append("x");
        scheduler.advance(Duration.ofMillis(99));
        assertEquals(0, driver.delivered().size());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(1, driver.delivered().size());
    }

    @Test
    void pastTheBoundTheOldestLinesAreDroppedAndCountedInTheNextBatchOnly() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output").maxLines(5);
        for (int i = 1; i <= 8; i++) {
            out.append(i);
        }
        scheduler.advance(MS_100);
        assertEquals("{\"lines\":[4,5,6,7,8],\"dropped\":3}", only(driver.delivered()).payloadJson());

        out.append(9);
        out.append(10);
        scheduler.advance(MS_100);
        assertEquals("{\"lines\":[9,10],\"dropped\":0}", driver.delivered().get(1).payloadJson());
    }

    @Test
    void aDefaultBufferKeepsTheLast1000Lines() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        IntStream.range(0, 1_250).forEach(out::append);
        out.flush();
        JsonNode batch = Wire.parse(only(driver.delivered()).payloadJson());
        assertEquals(1_000, batch.get("lines").size());
        assertEquals(250, batch.get("lines").get(0).asInt());
        assertEquals(250, batch.get("dropped").asInt());
    }

    @Test
    void aPriorityLineGoesAtOnceWithWhatIsPendingAndTheNextWindowStartsFresh() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        out.append("compiling");
        scheduler.advance(Duration.ofMillis(50));
        out.appendPriority("error: build failed");

        assertEquals("{\"lines\":[\"compiling\",\"error: build failed\"],\"dropped\":0}",
                only(driver.delivered()).payloadJson());
        assertEquals(List.of(), scheduler.tasks(), "the window's task was cancelled");

        scheduler.advance(Duration.ofMillis(10));
        out.append("retrying");
        scheduler.advance(Duration.ofMillis(99));
        assertEquals(1, driver.delivered().size(), "the new window runs a full 100 ms from its first append");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals("{\"lines\":[\"retrying\"],\"dropped\":0}", driver.delivered().get(1).payloadJson());
    }

    @Test
    void aPriorityLineAloneIsABatchOfOne() {
        broadcaster.buffer(TASK, "agent.output").appendPriority("done");
        assertEquals("{\"lines\":[\"done\"],\"dropped\":0}", only(driver.delivered()).payloadJson());
        assertEquals(List.of(), scheduler.tasks());
    }

    @Test
    void flushSendsAtOnceAndCloseSendsThenRefusesAppends() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        out.flush();
        assertEquals(List.of(), driver.delivered(), "nothing pending, nothing sent");

        out.append("a");
        out.flush();
        assertEquals("{\"lines\":[\"a\"],\"dropped\":0}", only(driver.delivered()).payloadJson());
        assertEquals(List.of(), scheduler.tasks());

        out.append("b");
        out.close();
        assertEquals("{\"lines\":[\"b\"],\"dropped\":0}", driver.delivered().get(1).payloadJson());
        assertEquals(List.of(), scheduler.tasks());

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> out.append("c"));
        assertEquals("Cannot add to the output buffer for event 'agent.output' on private-task.42: it is closed",
                refused.getMessage());
        assertThrows(IllegalStateException.class, () -> out.appendPriority("c"));
        out.close();
        out.flush();
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(2, driver.delivered().size(), "close is idempotent and flush after close sends nothing");
    }

    @Test
    void settingsChangeOnlyBeforeTheFirstAppend() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output").window(Duration.ofMillis(50)).maxLines(10);
        out.append("a");
        IllegalStateException window = assertThrows(IllegalStateException.class, () -> out.window(MS_100));
        assertEquals("Cannot set the window of the output buffer for event 'agent.output' on private-task.42"
                + " after the first append: configure it before adding anything", window.getMessage());
        IllegalStateException max = assertThrows(IllegalStateException.class, () -> out.maxLines(5));
        assertTrue(max.getMessage().startsWith("Cannot set the maxLines of "), max.getMessage());

        out.flush(); // still refused: the buffer has been used
        assertThrows(IllegalStateException.class, () -> out.window(MS_100));

        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress");
        progress.put("percent", 1);
        IllegalStateException conflating = assertThrows(IllegalStateException.class, () -> progress.window(MS_100));
        assertTrue(conflating.getMessage().contains("conflating buffer"), conflating.getMessage());

        OutputBuffer closed = broadcaster.buffer(TASK, "agent.output");
        closed.close();
        assertTrue(assertThrows(IllegalStateException.class, () -> closed.window(MS_100)).getMessage()
                .endsWith("it is closed"));
    }

    @Test
    void invalidSettingsAndArgumentsAreRefusedWithMessages() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        assertEquals("The window of the output buffer for event 'agent.output' on private-task.42 must be positive: PT0S",
                assertThrows(IllegalArgumentException.class, () -> out.window(Duration.ZERO)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> out.window(Duration.ofMillis(-1)))
                .getMessage().endsWith("must be positive: PT-0.001S"));
        assertEquals("maxLines of the output buffer for event 'agent.output' on private-task.42 must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> out.maxLines(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> out.maxLines(-5));
        assertEquals("window", assertThrows(NullPointerException.class, () -> out.window(null)).getMessage());
        assertEquals("line", assertThrows(NullPointerException.class, () -> out.append(null)).getMessage());
        assertEquals("line", assertThrows(NullPointerException.class, () -> out.appendPriority(null)).getMessage());

        assertEquals("channel", assertThrows(NullPointerException.class, () -> broadcaster.buffer(null, "e")).getMessage());
        assertEquals("event", assertThrows(NullPointerException.class, () -> broadcaster.buffer(TASK, null)).getMessage());
        assertEquals("The event name of a buffer is empty",
                assertThrows(IllegalArgumentException.class, () -> broadcaster.buffer(TASK, "")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> broadcaster.buffer(TASK, "e".repeat(201)));
        assertEquals("channel", assertThrows(NullPointerException.class, () -> broadcaster.conflate(null, "e")).getMessage());
        assertEquals("event", assertThrows(NullPointerException.class, () -> broadcaster.conflate(TASK, null)).getMessage());

        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress");
        assertThrows(IllegalArgumentException.class, () -> progress.window(Duration.ZERO));
        assertEquals("key", assertThrows(NullPointerException.class, () -> progress.put(null, 1)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> progress.put("k", null)).getMessage());

        assertEquals(List.of(), scheduler.tasks(), "nothing refused opened a window");
    }

    @Test
    void conflationKeepsTheLatestValuePerKeyInFirstPutOrderOncePerWindow() {
        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress").window(MS_100);
        progress.put("percent", 10);
        progress.put("phase", "build");
        progress.put("percent", 20);
        progress.put("percent", 30);
        assertEquals(1, scheduler.tasks().size());
        scheduler.advance(MS_100);
        ResolvedBroadcast first = only(driver.delivered());
        assertEquals("task.progress", first.name());
        assertEquals("{\"values\":{\"percent\":30,\"phase\":\"build\"}}", first.payloadJson());

        progress.put("phase", "test");
        progress.put("percent", 90);
        scheduler.advance(MS_100);
        assertEquals("{\"values\":{\"phase\":\"test\",\"percent\":90}}", driver.delivered().get(1).payloadJson(),
                "each window starts with no keys, in the order of its own first puts");

        progress.put("percent", 100);
        progress.close();
        assertEquals("{\"values\":{\"percent\":100}}", driver.delivered().get(2).payloadJson(), "the last value is sent on close");
        assertEquals("Cannot add to the conflating buffer for event 'task.progress' on private-task.42: it is closed",
                assertThrows(IllegalStateException.class, () -> progress.put("percent", 101)).getMessage());
        assertEquals(3, driver.delivered().size());
        assertEquals(3, ((ThrottledBuffer) progress).encodes());
    }

    @Test
    void aBatchOverTheEventDataLimitGoesOutAsSeveralEventsInOrderEachWithinIt() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output").window(MS_100).maxLines(3_000);
        for (int i = 0; i < 3_000; i++) {
            out.append(String.format("line %05d", i)); // 13 bytes of JSON each: ~39 KB in all
        }
        out.append("x".repeat(20_000)); // bound 3000: drops "line 00000"
        scheduler.advance(MS_100);

        List<String> lines = new ArrayList<>();
        long dropped = 0;
        for (ResolvedBroadcast batch : driver.delivered()) {
            assertTrue(batch.payloadJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 10_240
                    || batch.payloadJson().contains("xxxx"), "within Pusher's 10 KB unless one line alone is larger");
            JsonNode payload = Wire.parse(batch.payloadJson());
            payload.get("lines").forEach(line -> lines.add(line.asText()));
            dropped += payload.get("dropped").asLong();
        }
        int events = driver.delivered().size();
        assertTrue(events >= 5, events + " events");
        assertEquals(2L * events - 1, ((ThrottledBuffer) out).encodes(), "the whole batch, then each half until it fits");
        assertEquals(1, dropped, "the drop is reported once");
        assertEquals(1, Wire.parse(driver.delivered().get(0).payloadJson()).get("dropped").asLong(), "in the first event");
        List<String> expected = new ArrayList<>(IntStream.range(1, 3_000).mapToObj(i -> String.format("line %05d", i)).toList());
        expected.add("x".repeat(20_000));
        assertEquals(expected, lines, "every line once, in order");
        assertEquals(List.of("{\"lines\":[\"" + "x".repeat(20_000) + "\"],\"dropped\":0}"),
                driver.delivered().stream().map(ResolvedBroadcast::payloadJson).filter(json -> json.contains("xxxx")).toList(),
                "a line over the limit goes alone");
    }

    @Test
    void aConflatedBatchOverTheLimitIsSplitByKeysKeepingTheLatestValues() {
        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress").window(MS_100);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 1_500; k++) {
                progress.put(String.format("key-%04d", k), round); // ~19 bytes per entry: ~28 KB in all
            }
        }
        scheduler.advance(MS_100);

        Map<String, Integer> values = new java.util.LinkedHashMap<>();
        for (ResolvedBroadcast batch : driver.delivered()) {
            assertTrue(batch.payloadJson().length() <= 10_240, batch.payloadJson().length() + " bytes");
            Wire.parse(batch.payloadJson()).get("values").fields()
                    .forEachRemaining(e -> assertNull(values.put(e.getKey(), e.getValue().asInt()), "each key once"));
        }
        assertTrue(driver.delivered().size() > 1);
        assertEquals(IntStream.range(0, 1_500).mapToObj(k -> String.format("key-%04d", k)).toList(),
                new ArrayList<>(values.keySet()), "first-put order across the events");
        assertTrue(values.values().stream().allMatch(v -> v == 1), "latest values");
    }

    @Test
    void conflatingFlushSendsAtOnce() {
        ConflatingBuffer status = broadcaster.conflate(TASK, "task.status");
        status.flush();
        assertEquals(List.of(), driver.delivered());
        status.put("state", "running");
        status.flush();
        assertEquals("{\"values\":{\"state\":\"running\"}}", only(driver.delivered()).payloadJson());
        assertEquals(List.of(), scheduler.tasks());
    }

    @Test
    void eachWindowIsEncodedOnceAndTheLocalDriverSharesOneFrameAmongAllSubscribers() {
        try (Fixture fixture = Fixture.create()) {
            List<FixtureClient> clients = List.of(fixture.connect(), fixture.connect(), fixture.connect(), fixture.connect());
            clients.forEach(c -> c.subscribe("private-task.42"));
            try (DispatchingBroadcaster local = Broadcasters.builder(Broadcasters.localDriver(fixture.hub, Fixture.ID))
                    .dispatchOnCallerThread().scheduler(fixture.scheduler).clock(fixture.clock).build()) {
                OutputBuffer out = local.buffer(TASK, "agent.output");
                for (int window = 1; window <= 3; window++) {
                    for (int i = 0; i < 50; i++) {
                        out.append("w" + window + " line " + i);
                    }
                    fixture.scheduler.advance(MS_100);
                    assertEquals(window, ((ThrottledBuffer) out).encodes(), "one JSON encode per window");

                    String frame = lastRaw(clients.get(0));
                    JsonNode data = Wire.data(Wire.parse(frame));
                    assertEquals(50, data.get("lines").size());
                    assertEquals("w" + window + " line 0", data.get("lines").get(0).asText());
                    for (FixtureClient client : clients) {
                        assertSame(frame, lastRaw(client), "one frame String shared by every subscriber");
                        assertEquals(window, client.transport.events("agent.output").size());
                    }
                }
            }
        }
    }

    @Test
    void appendsFromManyThreadsLoseNothingAndKeepEachThreadsOrder() throws Exception {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output").maxLines(1_000_000);
        int threads = 4;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(new Thread(() -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                    out.append(id + ":" + i);
                    if (i % 1_000 == 999) {
                        out.appendPriority(id + ":p" + i);
                    }
                }
            }));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread flusher = new Thread(() -> {
            await(start);
            while (writing.get()) {
                out.flush();
            }
        });
        writers.forEach(Thread::start);
        flusher.start();
        start.countDown();
        while (writers.stream().anyMatch(Thread::isAlive)) {
            scheduler.advance(Duration.ofMillis(10)); // windows end while the threads write
        }
        for (Thread writer : writers) {
            writer.join();
        }
        writing.set(false);
        flusher.join();
        out.close();

        Map<Integer, List<String>> seen = new HashMap<>();
        int total = 0;
        for (ResolvedBroadcast batch : driver.delivered()) {
            JsonNode payload = Wire.parse(batch.payloadJson());
            assertEquals(0, payload.get("dropped").asInt());
            for (JsonNode line : payload.get("lines")) {
                String[] parts = line.asText().split(":");
                seen.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(parts[1]);
                total++;
            }
        }
        assertEquals(threads * (perThread + perThread / 1_000), total, "nothing lost, nothing repeated");
        for (int t = 0; t < threads; t++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(String.valueOf(i));
                if (i % 1_000 == 999) {
                    expected.add("p" + i);
                }
            }
            assertEquals(expected, seen.get(t), "thread " + t + "'s lines in its order");
        }
        // one encode per batch; a batch over 10 KB also encoded its halves (lines here are short
        // but a lagging flusher can gather thousands): at most one extra encode per event sent
        long encodes = ((ThrottledBuffer) out).encodes();
        int events = driver.delivered().size();
        assertTrue(encodes >= events && encodes < 2L * events, encodes + " encodes for " + events + " events");
    }

    @Test
    void closingTheBroadcasterSendsWhatIsPendingAndRefusesLaterAppends() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        ConflatingBuffer progress = broadcaster.conflate(TASK, "task.progress");
        OutputBuffer idle = broadcaster.buffer(TASK, "idle");
        out.append("last words");
        progress.put("percent", 100);
        broadcaster.close();

        assertEquals(List.of("agent.output", "task.progress"), driver.names());
        assertTrue(driver.closed());
        assertEquals("Cannot add to the output buffer for event 'idle' on private-task.42: the broadcaster is closed",
                assertThrows(IllegalStateException.class, () -> idle.append("x")).getMessage());
        assertThrows(IllegalStateException.class, () -> progress.put("percent", 101));
        assertEquals("The broadcaster is closed; no buffer for event agent.output",
                assertThrows(IllegalStateException.class, () -> broadcaster.buffer(TASK, "agent.output")).getMessage());
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(2, driver.delivered().size());
    }

    @Test
    void aBufferFromAToOthersViewLeavesOutThatSocket() {
        Broadcaster others = broadcaster.toOthers("1234.5678");
        OutputBuffer out = others.buffer(TASK, "agent.output");
        out.append("a");
        out.flush();
        ConflatingBuffer progress = others.conflate(TASK, "task.progress");
        progress.put("k", 1);
        progress.flush();
        assertEquals(List.of("1234.5678", "1234.5678"),
                driver.delivered().stream().map(ResolvedBroadcast::exceptSocketId).toList());
    }

    @Test
    void aWindowIsNotCutShortByASchedulerThatFiresEarly() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        out.append("a");
        ManualScheduler.Task task = only(scheduler.tasks());
        task.cancel();
        clock.advance(Duration.ofMillis(40));
        task.runnable.run(); // fires 60 ms early
        assertEquals(List.of(), driver.delivered());
        assertEquals(Fixture.START.plusMillis(100), only(scheduler.tasks()).due, "re-armed for the rest of the window");
        scheduler.advance(Duration.ofMillis(60));
        assertEquals(1, driver.delivered().size());
    }

    @Test
    void aBatchJacksonCannotWriteIsNotSentAndThrownOnlyAtAFlushingCaller() {
        OutputBuffer out = broadcaster.buffer(TASK, "agent.output");
        out.append(new Object());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, out::flush);
        assertTrue(e.getMessage().startsWith("Cannot serialize the payload of the output buffer for event 'agent.output'"
                + " on private-task.42 to JSON"), e.getMessage());

        try (LogCapture log = new LogCapture()) {
            out.append(new Object());
            scheduler.advance(MS_100); // logged, not thrown on the timer thread
            assertTrue(log.text().contains("WARN dev.broadcast.core.DispatchingBroadcaster - A batch of the output buffer for"
                    + " event 'agent.output' on private-task.42 was not sent: Cannot serialize"), log.text());
        }
        out.append("fine");
        out.flush();
        assertEquals("{\"lines\":[\"fine\"],\"dropped\":0}", only(driver.delivered()).payloadJson());
    }

    @Test
    void withTheDefaultSchedulerWindowsEndOnTheBroadcastersOwnTimer() {
        RecordingDriver recording = new RecordingDriver();
        try (DispatchingBroadcaster real = Broadcasters.builder(recording).build()) {
            real.buffer(TASK, "agent.output").window(Duration.ofMillis(5)).append("a");
            recording.awaitDelivered(1);
            assertEquals("{\"lines\":[\"a\"],\"dropped\":0}", recording.delivered().get(0).payloadJson());
        }
    }

    @Test
    void documentationExample() {
        // tag::throttled-output[]
        OutputBuffer out = broadcaster.buffer(Channel.privateChannel("task.42"), "agent.output")
                .window(Duration.ofMillis(100))    // the default
                .maxLines(1_000);                  // the default; past it the oldest lines are dropped
        out.append("Cloning repository");
        out.append("Running 120 tests");           // both go out in one batch when the window ends
        out.appendPriority("3 tests failed");      // sends what is pending and this line at once
        out.close();                               // sends what is left; later appends throw

        ConflatingBuffer progress = broadcaster.conflate(Channel.privateChannel("task.42"), "task.progress");
        progress.put("percent", 40);
        progress.put("phase", "tests");
        progress.put("percent", 41);               // the latest value per key wins
        progress.close();                          // {"values":{"percent":41,"phase":"tests"}}
        // end::throttled-output[]
        assertEquals(List.of("{\"lines\":[\"Cloning repository\",\"Running 120 tests\",\"3 tests failed\"],\"dropped\":0}",
                "{\"values\":{\"percent\":41,\"phase\":\"tests\"}}"),
                driver.delivered().stream().map(ResolvedBroadcast::payloadJson).toList());
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), () -> "expected exactly one, got " + list);
        return list.get(0);
    }

    private static String lastRaw(FixtureClient client) {
        List<String> raw = client.transport.rawFrames();
        return raw.get(raw.size() - 1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
