package dev.broadcast.server;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warnings about what strangers do (refused, shed or timed-out connections): logged at WARN at
 * most every ten seconds, with how many were folded in, and at DEBUG each time, so an attack is
 * visible at the default level without flooding the log.
 */
final class Warnings {

    private static final long PERIOD_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong last = new AtomicLong(System.nanoTime() - 2 * PERIOD_NANOS);
    private final AtomicLong folded = new AtomicLong();

    Warnings(Logger log) {
        this.log = log;
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous > PERIOD_NANOS && last.compareAndSet(previous, now)) {
            long more = folded.getAndSet(0);
            log.warn(format + (more > 0 ? " (and " + more + " more like it in the last seconds; next at most in 10 s)" : ""),
                    args);
        } else {
            folded.incrementAndGet();
            log.debug(format, args);
        }
    }
}
