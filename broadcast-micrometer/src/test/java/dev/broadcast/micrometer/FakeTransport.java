package dev.broadcast.micrometer;

import dev.broadcast.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Transport} that records the frames handed to it and completes each send at once, or,
 * once {@link #stall() stalled}, never: a client that stopped reading (broadcast-core's tests use
 * the same kind of transport).
 */
final class FakeTransport implements Transport {

    private final List<String> frames = new ArrayList<>();
    private boolean stalled;
    private int closeCode = -1;

    @Override
    public void send(String frame, SendCallback done) {
        boolean complete;
        synchronized (this) {
            frames.add(frame);
            complete = !stalled;
        }
        if (complete) {
            done.completed(null);
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == -1) {
            closeCode = code;
        }
    }

    synchronized void stall() {
        stalled = true;
    }

    synchronized List<String> frames() {
        return List.copyOf(frames);
    }
}
