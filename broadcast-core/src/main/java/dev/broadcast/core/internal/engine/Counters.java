package dev.broadcast.core.internal.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The hub's running totals; cheap to bump from any thread. */
public final class Counters {
    final LongAdder messagesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> apiStatuses = new ConcurrentHashMap<>();

    /** {@code frames} frames of {@code frameBytes} each were queued for connections. */
    void sent(long frames, long frameBytes) {
        messagesOut.add(frames);
        bytesOut.add(frames * frameBytes);
    }

    /** One broadcast's event frame was queued for {@code frames} subscribers: one call per broadcast. */
    void delivered(long frames, long frameBytes) {
        sent(frames, frameBytes);
        deliveries.add(frames);
    }

    void closed(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** The HTTP API answered a request with {@code status}. */
    public void answered(int status) {
        apiStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long deliveries() {
        return deliveries.sum();
    }

    /** Server-initiated closes by code, ascending. */
    public Map<Integer, Long> closesByCode() {
        return sums(closes);
    }

    /** HTTP API answers by status, ascending. */
    public Map<Integer, Long> apiRequestsByStatus() {
        return sums(apiStatuses);
    }

    private static Map<Integer, Long> sums(ConcurrentHashMap<Integer, LongAdder> counts) {
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((key, count) -> out.put(key, count.sum()));
        return out;
    }
}
