package dev.broadcast.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies that a server's unfinished HTTP requests may hold together, on
 * either transport: a request whose body would take more gets 503 (issue 11, D2: 500 unsigned
 * partial bodies once took the heap).
 */
final class BodyBudget {

    /** The default: 64 MiB. */
    static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    /** The error of the 503. */
    static final String BUSY = "The server is busy reading other requests; try again";

    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        this.max = max;
    }

    long max() {
        return max;
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, if that would pass the bound. */
    boolean take(long bytes) {
        if (held.addAndGet(bytes) > max) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Gives back {@code bytes} taken before. */
    void release(long bytes) {
        held.addAndGet(-bytes);
    }
}
