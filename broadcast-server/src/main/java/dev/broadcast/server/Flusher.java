package dev.broadcast.server;

import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the pending batches of one event loop's connections in passes: one task per pass, not one
 * per connection or per frame. A connection whose write completes during a pass and that already has
 * more to send joins the next pass, which runs after the loop has done its I/O (reads, accepts,
 * HTTP requests), so writing can never starve reading. Under load, frames pile up between two passes
 * and each connection's pile leaves in one write: the busier the server, the bigger the batches.
 */
final class Flusher implements Runnable {

    /**
     * Connections written per pass at most before the loop gets to do I/O again. A write to a
     * loopback or LAN socket costs about 17 µs of system time, so a pass holds up reads (an HTTP
     * API request, a subscribe) for about a millisecond. At 512 a pass took 9 ms, and with two
     * servers sharing a core an API caller waited so long that it fell behind (S7 in
     * docs/performance.md).
     */
    static final int MAX_PER_PASS = 64;

    private final EventLoop loop;
    private final Queue<NettyConnection> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Flusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Queues a connection with a batch to write; from any thread. */
    void add(NettyConnection connection) {
        pending.offer(connection);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** One pass, on the event loop: at most {@link #MAX_PER_PASS} connections. */
    @Override
    public void run() {
        for (int i = 0; i < MAX_PER_PASS; i++) {
            NettyConnection next = pending.poll();
            if (next == null) {
                break;
            }
            next.writePending();
        }
        if (pending.isEmpty()) {
            scheduled.set(false);
            if (pending.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
        // a scheduled task, unlike a plain one, waits for the loop's next round of I/O
        loop.schedule(this, 0, TimeUnit.NANOSECONDS);
    }
}
