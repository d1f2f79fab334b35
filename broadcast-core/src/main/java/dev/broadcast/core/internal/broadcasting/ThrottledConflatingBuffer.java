package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link ConflatingBuffer}: the latest value per key, keys in first-put order within a window. */
final class ThrottledConflatingBuffer extends ThrottledBuffer implements ConflatingBuffer {

    private LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    ThrottledConflatingBuffer(Buffers buffers, Channel channel, String event, String exceptSocketId) {
        super(buffers, channel, event, exceptSocketId, "conflating buffer");
    }

    @Override
    public ConflatingBuffer window(Duration window) {
        setWindow(window);
        return this;
    }

    @Override
    public void put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        addInWindow(() -> values.put(key, value)); // replacing keeps the key's first-put position
    }

    @Override
    boolean hasPending() {
        return !values.isEmpty();
    }

    @Override
    Batch takeBatch() {
        Values batch = new Values(new ArrayList<>(values.entrySet()));
        values = new LinkedHashMap<>();
        return batch;
    }

    /** {@code {"values":{key: latest, …}}} in first-put order. */
    private record Values(List<Map.Entry<String, Object>> entries) implements Batch {
        @Override
        public Object payload() {
            Map<String, Object> latest = new LinkedHashMap<>();
            entries.forEach(e -> latest.put(e.getKey(), e.getValue()));
            return Map.of("values", latest);
        }

        @Override
        public List<Batch> halves() {
            int half = entries.size() / 2;
            return half == 0 ? List.of()
                    : List.of(new Values(entries.subList(0, half)), new Values(entries.subList(half, entries.size())));
        }
    }

    @Override
    public void flush() {
        flushNow();
    }

    @Override
    public void close() {
        closeNow();
    }
}
