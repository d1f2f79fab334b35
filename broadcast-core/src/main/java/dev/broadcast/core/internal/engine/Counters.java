package dev.broadcast.core.internal.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The hub's running totals; cheap to bump from any thread. */
public final class Counters {
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    /** {@code frames} frames of {@code frameBytes} each were queued for connections. */
    void sent(long frames, long frameBytes) {
        messagesOut.add(frames);
        bytesOut.add(frames * frameBytes);
    }

    void closed(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Server-initiated closes by code, ascending. */
    public Map<Integer, Long> closesByCode() {
        Map<Integer, Long> out = new TreeMap<>();
        closes.forEach((code, count) -> out.put(code, count.sum()));
        return out;
    }
}
