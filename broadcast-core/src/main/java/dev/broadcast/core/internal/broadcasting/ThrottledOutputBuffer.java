package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.Channel;
import dev.broadcast.OutputBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@link OutputBuffer}: lines in order, at most {@code maxLines} pending, the oldest dropped and counted. */
final class ThrottledOutputBuffer extends ThrottledBuffer implements OutputBuffer {

    private int maxLines = DEFAULT_MAX_LINES;
    private ArrayDeque<Object> lines = new ArrayDeque<>();
    private long dropped;

    ThrottledOutputBuffer(Buffers buffers, Channel channel, String event, String exceptSocketId) {
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
    Batch takeBatch() {
        Lines batch = new Lines(new ArrayList<>(lines), dropped);
        lines = new ArrayDeque<>();
        dropped = 0;
        return batch;
    }

    /** {@code {"lines":[…],"dropped":n}}; when halved, the first half reports what was dropped. */
    private record Lines(List<Object> lines, long dropped) implements Batch {
        @Override
        public Object payload() {
            Map<String, Object> payload = new LinkedHashMap<>(4);
            payload.put("lines", lines);
            payload.put("dropped", dropped);
            return payload;
        }

        @Override
        public List<Batch> halves() {
            int half = lines.size() / 2;
            return half == 0 ? List.of()
                    : List.of(new Lines(lines.subList(0, half), dropped), new Lines(lines.subList(half, lines.size()), 0));
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
