package dev.broadcast.core.internal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** Completes every send on another thread, recording order and how many were in flight. */
    private static final class AsyncTransport implements Transport {
        final ExecutorService completer = Executors.newSingleThreadExecutor();
        final List<String> written = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile int closedWith;

        @Override
        public void send(String frame, SendCallback done) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            completer.execute(() -> {
                written.add(frame);
                inFlight.decrementAndGet();
                done.completed(null);
            });
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }

    @Test
    void framesFromConcurrentPublishersArriveInEachPublishersOrderWithOneWriteInFlight() throws Exception {
        AsyncTransport transport = new AsyncTransport();
        OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, () -> { });
        int publishers = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            pool.execute(() -> {
                for (int i = 0; i < each; i++) {
                    assertTrue(queue.offer(Frame.of(publisher + ":" + i)));
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (transport.written.size() < publishers * each && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        transport.completer.shutdown();
        assertEquals(publishers * each, transport.written.size());
        assertEquals(1, transport.maxInFlight.get());
        int[] next = new int[publishers];
        for (String frame : transport.written) {
            String[] parts = frame.split(":");
            int publisher = Integer.parseInt(parts[0]);
            assertEquals(next[publisher]++, Integer.parseInt(parts[1]), "order of publisher " + publisher);
        }
    }

    @Test
    void sendsThatCompleteInlineDoNotRecurse() {
        List<String> written = new ArrayList<>();
        Transport inline = new Transport() {
            @Override
            public void send(String frame, SendCallback done) {
                written.add(frame);
                done.completed(null);
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        OutboundQueue queue = new OutboundQueue(inline, Long.MAX_VALUE, () -> { });
        for (int i = 0; i < 200_000; i++) {
            queue.offer(Frame.of("f" + i));
        }
        assertEquals(200_000, written.size());
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void offerPastTheByteBoundIsRefusedAndQueuesNothing() {
        Transport stalled = new Transport() {
            @Override
            public void send(String frame, SendCallback done) {
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        OutboundQueue queue = new OutboundQueue(stalled, 10, () -> { });
        assertTrue(queue.offer(Frame.of("in-flight"))); // handed to the transport, no longer queued
        assertTrue(queue.offer(Frame.of("0123456789")));
        assertEquals(10, queue.queuedBytes());
        assertFalse(queue.offer(Frame.of("x")));
        assertEquals(10, queue.queuedBytes());
    }

    @Test
    void finishWritesTheLastFrameFirstWhenIdleAndClosesAtOnceWhenBusy() throws Exception {
        AsyncTransport idle = new AsyncTransport();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        new OutboundQueue(idle, 100, () -> { }).finish(Frame.of("bye"), () -> order.add("closed after " + idle.written));
        idle.completer.shutdown();
        assertTrue(idle.completer.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(List.of("closed after [bye]"), order);

        List<String> sent = new ArrayList<>();
        Transport stalled = new Transport() {
            @Override
            public void send(String frame, SendCallback done) {
                sent.add(frame);
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        OutboundQueue busy = new OutboundQueue(stalled, 100, () -> { });
        busy.offer(Frame.of("stuck"));
        busy.offer(Frame.of("queued"));
        AtomicInteger closes = new AtomicInteger();
        busy.finish(Frame.of("bye"), closes::incrementAndGet);
        assertEquals(1, closes.get());
        assertEquals(List.of("stuck"), sent);
        assertEquals(0, busy.queuedBytes());
    }

    @Test
    void aFailedWriteDropsTheQueueAndReportsOnce() {
        AtomicInteger failures = new AtomicInteger();
        List<String> sent = new ArrayList<>();
        Transport failing = new Transport() {
            @Override
            public void send(String frame, SendCallback done) {
                sent.add(frame);
                done.completed(new java.io.IOException("broken pipe"));
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        OutboundQueue queue = new OutboundQueue(failing, 100, failures::incrementAndGet);
        queue.offer(Frame.of("a"));
        queue.offer(Frame.of("b"));
        assertEquals(List.of("a"), sent);
        assertEquals(1, failures.get());
    }

    /** Keeps each sendAll until the test writes it: then takes the waiting frames, records them as text and completes. */
    private static final class BatchRecorder implements Transport {
        final List<List<String>> batches = new ArrayList<>();
        final List<WaitingFrames> waiting = new ArrayList<>();
        final List<SendCallback> callbacks = new ArrayList<>();
        int singleSends;

        @Override
        public boolean writesBatches() {
            return true;
        }

        @Override
        public void sendAll(WaitingFrames frames, SendCallback done) {
            waiting.add(frames);
            callbacks.add(done);
        }

        @Override
        public void send(String frame, SendCallback done) {
            singleSends++;
        }

        @Override
        public void close(int code, String reason) {
        }

        /** Takes what waits for the oldest sendAll, as a transport does when it writes. */
        List<String> take() {
            List<String> batch = waiting.remove(0).take().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            batches.add(batch);
            return batch;
        }

        void complete() {
            callbacks.remove(0).completed(null);
        }

        void write() {
            take();
            complete();
        }
    }

    @Test
    void aBatchWritingTransportTakesEverythingQueuedWhenItWritesAsOneBatchInOrder() {
        BatchRecorder transport = new BatchRecorder();
        OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, () -> { });
        for (String f : List.of("a", "b", "c")) {
            queue.offer(Frame.of(f));
        }
        assertEquals(1, transport.waiting.size(), "one sendAll, however many frames wait");
        assertEquals(3, queue.queuedBytes());

        assertEquals(List.of("a", "b", "c"), transport.take(), "taken at write time: all three");
        assertEquals(0, queue.queuedBytes());
        queue.offer(Frame.of("d")); // arrives while the write is in flight
        assertEquals(0, transport.waiting.size());
        transport.complete();
        assertEquals(List.of("d"), transport.take(), "the next write takes what came meanwhile");
        transport.complete();
        assertEquals(0, transport.waiting.size(), "nothing left to write");
        assertEquals(0, transport.singleSends);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchBytesUnlessOneFrameIsLarger() {
        BatchRecorder transport = new BatchRecorder();
        OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, () -> { });
        int max = Transport.MAX_BATCH_BYTES;
        String quarter = "q".repeat(max / 4);
        for (int i = 0; i < 6; i++) {
            queue.offer(Frame.of(quarter)); // four fit exactly
        }
        String huge = "h".repeat(max + 1);
        queue.offer(Frame.of(huge));

        assertEquals(List.of(quarter, quarter, quarter, quarter), transport.take(), "exactly MAX_BATCH_BYTES");
        transport.complete();
        assertEquals(List.of(quarter, quarter), transport.take(), "the huge frame does not fit with them");
        transport.complete();
        assertEquals(List.of(huge), transport.take(), "a frame over the bound goes alone");
        transport.complete();
        assertEquals(0, transport.waiting.size());
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void aClosedQueueHandsOverNothingAndTheWriteEnds() {
        BatchRecorder transport = new BatchRecorder();
        OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, () -> { });
        queue.offer(Frame.of("a"));
        queue.close();
        assertEquals(List.of(), transport.take());
        transport.complete();
        assertEquals(0, transport.waiting.size());
    }

    @Test
    void finishOnABatchWritingTransportWritesTheLastFrameAsABatch() {
        BatchRecorder transport = new BatchRecorder();
        AtomicInteger closes = new AtomicInteger();
        new OutboundQueue(transport, 100, () -> { }).finish(Frame.of("bye"), closes::incrementAndGet);
        assertEquals(List.of("bye"), transport.take());
        assertEquals(0, closes.get(), "closes once the last frame is written");
        transport.complete();
        assertEquals(1, closes.get());
        assertEquals(0, transport.singleSends);
    }
}
