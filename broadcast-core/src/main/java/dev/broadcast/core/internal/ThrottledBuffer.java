package dev.broadcast.core.internal;

import dev.broadcast.Channel;
import dev.broadcast.OutputBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@link OutputBuffer}: lines in order, at most {@code maxLines} pending, the oldest dropped and counted. */
final class ThrottledBuffer extends WindowedOutput implements OutputBuffer {

    private int maxLines = DEFAULT_MAX_LINES;
    private ArrayDeque<Object> lines = new ArrayDeque<>();
    private long dropped;

    ThrottledBuffer(Buffers buffers, Channel channel, String event, String exceptSocketId) {
        super(buffers, channel, event, exceptSocketId, "output buffer");
    }

    @Override
    public OutputBuffer window(Duration window) {
        setWindow(window);
        return this;
    }

    @Override
    public OutputBuffer maxLines(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxLines of the output buffer for event '" + event + "' on "
                    + channel.name() + " must be at least 1: " + max);
        }
        synchronized (this) {
            checkConfigurable("maxLines");
            this.maxLines = max;
        }
        return this;
    }

    @Override
    public void append(Object line) {
        Objects.requireNonNull(line, "line");
        addInWindow(() -> add(line));
    }

    @Override
    public void appendPriority(Object line) {
        Objects.requireNonNull(line, "line");
        addAndEmit(() -> add(line));
    }

    private void add(Object line) {
        lines.addLast(line);
        if (lines.size() > maxLines) {
            lines.removeFirst();
            dropped++;
        }
    }

    @Override
    boolean hasPending() {
        return !lines.isEmpty();
    }

    @Override
    Object takePayload() {
        Map<String, Object> payload = new LinkedHashMap<>(4);
        payload.put("lines", lines);
        payload.put("dropped", dropped);
        lines = new ArrayDeque<>();
        dropped = 0;
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
