package dev.broadcast.core.internal;

import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@link ConflatingBuffer}: the latest value per key, keys in first-put order within a window. */
final class ConflatingOutput extends WindowedOutput implements ConflatingBuffer {

    private LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    ConflatingOutput(Buffers buffers, Channel channel, String event, String exceptSocketId) {
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
    Object takePayload() {
        Map<String, Object> payload = Map.of("values", values);
        values = new LinkedHashMap<>();
        return payload;
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
