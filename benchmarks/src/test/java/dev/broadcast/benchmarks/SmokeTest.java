package dev.broadcast.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** S1 with 20 subscribers for 1 s against both targets in-process: deliveries arrive, none lost. No timings asserted. */
class SmokeTest {

    @Test
    void s1DeliversEverythingToEverySubscriber() throws Exception {
        Run.Options o = Run.parse(new String[] {"S1", "--subscribers", "20", "--rate", "20", "--seconds", "1",
                "--warmup", "0", "--in-process", "--no-heap"});
        o.quiet = true;
        List<Run.Result> results = Run.s1(o);
        assertEquals(2, results.size());
        for (Run.Result r : results) {
            assertTrue(r.published() > 0, r.toString());
            assertEquals(r.published() * 20, r.expected(), r.toString());
            assertTrue(r.received() > 0, r.toString());
            assertEquals(0, r.loss(), r.toString());
            assertEquals(r.published(), r.minPerReceiver(), r.toString());
        }
        assertTrue(Run.table(o, results).contains("tyrus-baseline"));
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
