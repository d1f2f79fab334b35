package dev.broadcast.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every scenario, tiny and in-process: the counts add up (deliveries arrive, none lost, every
 * subscriber subscribed). No timings are asserted.
 */
class SmokeTest {

    private static Run.Options options(String... args) {
        Run.Options o = Run.parse(args);
        o.quiet = true;
        return o;
    }

    @Test
    void s1DeliversEverythingToEverySubscriber() throws Exception {
        Run.Options o = options("S1", "--subscribers", "20", "--rate", "20", "--seconds", "1", "--warmup", "0",
                "--in-process", "--no-heap", "--targets", "server,baseline");
        List<Run.Result> results = Run.s1(o);
        assertEquals(2, results.size());
        for (Run.Result r : results) {
            assertTrue(r.published() > 0, r.toString());
            assertEquals(r.published() * 20, r.expected(), r.toString());
            assertEquals(0, r.loss(), r.toString());
            assertEquals(r.published(), r.minPerReceiver(), r.toString());
        }
        assertTrue(Run.s1Table(o, results).toString().contains("tyrus-baseline"));
    }

    @Test
    void s1WithBatchRequestsCountsEveryEventOfABatch() throws Exception {
        Run.Options o = options("S1", "--subscribers", "10", "--rate", "50", "--batch", "5", "--seconds", "1",
                "--warmup", "0", "--in-process", "--no-heap", "--targets", "server");
        List<Run.Result> results = Run.s1(o);
        assertEquals(1, results.size());
        for (Run.Result r : results) {
            assertTrue(r.published() > 0 && r.published() % 5 == 0, r.toString());
            assertEquals(0, r.loss(), r.toString());
        }
    }

    @Test
    void theServerWithScrapedMetersDeliversEverything() throws Exception {
        Run.Options o = options("S1", "--subscribers", "10", "--rate", "20", "--seconds", "1", "--warmup", "0",
                "--in-process", "--no-heap", "--targets", "server+metrics");
        List<Run.Result> results = Run.s1(o);
        assertEquals(1, results.size());
        assertEquals("broadcast-server+metrics", results.get(0).target());
        assertTrue(results.get(0).published() > 0, results.toString());
        assertEquals(0, results.get(0).loss(), results.toString());
    }

    @Test
    void jakartaRunsOnceTheServerHasTheTransportFlagAndIsSkippedWithAMessageUntilThen() throws Exception {
        Run.Options o = options("S1", "--subscribers", "10", "--rate", "10", "--seconds", "1", "--warmup", "0",
                "--in-process", "--no-heap", "--targets", "jakarta");
        List<Run.Result> results = Run.s1(o);
        if (results.isEmpty()) {
            assertTrue(o.notes.stream().anyMatch(n -> n.contains("jakarta-tyrus skipped") && n.contains("--transport")),
                    o.notes.toString());
        } else {
            assertEquals("jakarta-tyrus", results.get(0).target());
            assertEquals(0, results.get(0).loss());
        }
    }

    @Test
    void s2SignedTriggersToPersonalAndGroupChannelsAllArrive() throws Exception {
        Run.Options o = options("S2", "--subscribers", "30", "--group-size", "10", "--publishers", "2", "--rate", "0,200",
                "--seconds", "1", "--warmup", "0", "--in-process", "--targets", "server,baseline");
        List<ApiThroughput.Result> results = ApiThroughput.run(o);
        assertEquals(2, results.size());
        for (ApiThroughput.Result r : results) {
            assertTrue(r.triggers() > 0, r.toString());
            assertEquals(0, r.errors(), r.toString());
            assertTrue(r.expected() >= r.triggers(), r.toString());
            assertEquals(0, r.loss(), r.toString());
        }
        assertTrue(o.notes.stream().anyMatch(n -> n.contains("no HTTP trigger API")), o.notes.toString());
        assertTrue(ApiThroughput.table(o, results).toString().contains("triggers/s"));
    }

    @Test
    void s2BatchRequests() throws Exception {
        Run.Options o = options("S2", "--subscribers", "20", "--publishers", "1", "--rate", "300", "--batch", "3",
                "--seconds", "1", "--warmup", "0", "--in-process", "--targets", "server");
        ApiThroughput.Result r = ApiThroughput.run(o).get(0);
        assertTrue(r.triggers() > 0 && r.triggers() % 3 == 0, r.toString());
        assertEquals(0, r.loss(), r.toString());
    }

    @Test
    void s3EveryBatchIsEncodedOnceAndReachesEverySubscriber() throws Exception {
        Run.Options o = options("S3", "--subscribers", "10", "--rate", "1000", "--window-ms", "50", "--seconds", "1",
                "--warmup", "0", "--in-process", "--targets", "server");
        List<ThrottledStream.Result> results = ThrottledStream.run(o);
        assertEquals(2, results.size());
        for (ThrottledStream.Result r : results) {
            assertTrue(r.encodes() > 0, r.toString());
            assertEquals(r.encodes() * r.subscribers(), r.stepFrames(), r.toString());
            assertEquals(r.subscribers(), r.lastValueAt(), r.toString());
        }
        ThrottledStream.Result buffer = results.get(0);
        assertEquals("buffer", buffer.policy());
        assertEquals(1000, buffer.measuredLines());
        assertEquals(buffer.expectedLines(), buffer.receivedLines(), buffer.toString());
        assertTrue(ThrottledStream.table(o, results).toString().contains("enc/window"));
    }

    @Test
    void s4IdleConnectionsStaySubscribed() throws Exception {
        Run.Options o = options("S4", "--subscribers", "20", "--idle-seconds", "1", "--in-process", "--no-heap",
                "--targets", "server,baseline");
        List<Idle.Result> results = Idle.run(o);
        assertEquals(2, results.size());
        for (Idle.Result r : results) {
            assertEquals(20, r.subscribedAtEnd(), r.toString());
            assertEquals(0, r.closedDuringIdle(), r.toString());
        }
        assertTrue(Idle.table(o, results).toString().contains("over base"));
    }

    @Test
    void s5EveryClientSubscribes() throws Exception {
        Run.Options o = options("S5", "--subscribers", "60", "--max-connecting", "30", "--in-process",
                "--targets", "server,baseline");
        List<ConnectStorm.Result> results = ConnectStorm.run(o);
        assertEquals(4, results.size()); // two storms (cold, then warm) per target
        for (ConnectStorm.Result r : results) {
            assertEquals(60, r.subscribed(), r.toString());
            assertEquals(0, r.failed(), r.toString());
        }
    }

    @Test
    void s6HealthySubscribersGetEverythingWhileTheSlowOnesStopReading() throws Exception {
        Run.Options o = options("S6", "--subscribers", "50", "--slow-percent", "4", "--rate", "20", "--seconds", "1",
                "--warmup", "0", "--close-wait", "0", "--in-process", "--no-heap", "--targets", "server,baseline");
        List<SlowConsumers.Result> results = SlowConsumers.run(o);
        assertEquals(2, results.size());
        for (SlowConsumers.Result r : results) {
            assertEquals(2, r.slow(), r.toString());
            assertTrue(r.reference().published() > 0, r.toString());
            assertEquals(r.reference().published() * 48, r.reference().expected(), r.toString());
            assertEquals(0, r.reference().expected() - r.reference().received(), r.toString());
            assertEquals(0, r.withSlow().expected() - r.withSlow().received(), r.toString());
            assertEquals(0, r.healthyClosed(), r.toString());
        }
        assertTrue(SlowConsumers.table(o, results).toString().contains("p99 change"));
    }

    @Test
    void generatorKeepsUpWithCoalescedFramesIncludingFramesSplitAcrossReads() throws Exception {
        // 3,000-byte payloads, 5 per write: frames are regularly cut by the end of a read
        Run.Options o = options("GEN", "--subscribers", "20", "--rate", "100", "--tick-ms", "50", "--payload", "3000",
                "--seconds", "1", "--warmup", "0", "--in-process");
        GeneratorCheck.Result r = GeneratorCheck.run(o).get(0);
        assertTrue(r.expected() > 0, r.toString());
        assertEquals(r.expected(), r.received(), r.toString());
    }

    @Test
    void tooFewOpenFilesIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Sys.requireOpenFiles(Long.MAX_VALUE, "This run"));
        assertTrue(e.getMessage().contains("ulimit -n"), e.getMessage());
        assertFalse(Sys.maxOpenFiles() <= 0);
    }

    @Test
    void histogramQuantilesAreWithinABucket() {
        Histogram h = new Histogram();
        for (int i = 1; i <= 10_000; i++) {
            h.record(i);
        }
        long p50 = h.quantile(0.5);
        assertTrue(p50 > 4900 && p50 <= 5000, Long.toString(p50));
        long p99 = h.quantile(0.99);
        assertTrue(p99 > 9700 && p99 <= 9900, Long.toString(p99));
    }
}
