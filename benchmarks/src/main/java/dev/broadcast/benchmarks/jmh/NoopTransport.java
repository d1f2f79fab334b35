package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.Transport;

/**
 * A transport whose writes complete at once, on the calling thread, before {@code send} returns:
 * what the engine does per frame without any socket. It counts frames so a benchmark can check
 * that deliveries really happened.
 */
final class NoopTransport implements Transport {

    /** Frames written; only the thread that drains this connection's queue writes it. */
    long sent;
    volatile boolean closed;

    @Override
    public void send(String frame, SendCallback done) {
        sent++;
        done.completed(null);
    }

    @Override
    public void close(int code, String reason) {
        closed = true;
    }
}
