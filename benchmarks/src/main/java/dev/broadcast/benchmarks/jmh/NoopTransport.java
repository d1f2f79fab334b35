package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.transport.Transport;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * A transport whose writes complete at once, on the calling thread, before {@code send} returns:
 * what the engine does per frame without any socket. It counts frames so a benchmark can check
 * that deliveries really happened.
 *
 * <p>When the JIT inlines {@link #send} into the engine's drain loop, the completion callback the
 * engine passes does not escape and may be scalar-replaced; a real transport keeps it until the
 * write completes. {@link Opaque} forbids that inlining to show the difference.
 */
class NoopTransport implements Transport {

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

    /** The same, with {@code send} never inlined: the callback escapes as with a real socket. */
    static final class Opaque extends NoopTransport {
        @Override
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public void send(String frame, SendCallback done) {
            sent++;
            done.completed(null);
        }
    }

    static NoopTransport of(String kind) {
        return switch (kind) {
            case "inlined" -> new NoopTransport();
            case "opaque" -> new Opaque();
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
