package dev.broadcast;

import java.time.Duration;

/**
 * A throttled buffer where only the latest value per key counts, for progress, status and other
 * state that is overwritten rather than appended: subscribers receive at most one event per window
 * with the newest value of every key put during it. Get one from
 * {@link Broadcaster#conflate(Channel, String)}:
 *
 * <pre>{@code
 * ConflatingBuffer status = broadcaster.conflate(Channel.privateChannel("task.42"), "task.progress");
 * status.put("percent", 40);
 * status.put("percent", 41);      // replaces 40 in this window
 * status.put("phase", "tests");
 * // at the window's end: {"values":{"percent":41,"phase":"tests"}}
 * }</pre>
 *
 * <p><b>What subscribers receive.</b> One event named as given to {@code conflate(channel, event)},
 * on that channel, with the payload {@code {"values":{key:value,...}}}: each key put since the
 * previous event, with the last value put for it, in the order the keys were first put during the
 * window. The payload is encoded to JSON once per event, however many subscribers the channel has.
 * The last value put before a flush is always sent: a value is only ever replaced by a newer one for
 * the same key, never dropped.
 *
 * <p><b>Windows, sending, threads and close</b> work as for {@link OutputBuffer}: no timer while
 * nothing is pending, the first put opens a window (100 ms by default), at most one event per
 * window, the broadcaster's normal queued path, puts from any thread, {@link #flush()} and
 * {@link #close()} send at once, close refuses later puts with {@link IllegalStateException}. There
 * is no bound on the number of keys in a window: use a small, fixed set of keys.
 */
public interface ConflatingBuffer extends AutoCloseable {

    /**
     * Sets how long values are collected before an event is sent; 100 ms by default.
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code window} is zero or negative
     * @throws IllegalStateException if a value was already put, or the buffer is closed
     */
    ConflatingBuffer window(Duration window);

    /**
     * Sets the value of {@code key} for the current window (opening one if none is open); a later
     * put of the same key in the window replaces it but keeps the key's position.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalStateException if the buffer or its broadcaster is closed
     */
    void put(String key, Object value);

    /**
     * Sends the pending values at once and ends the current window; nothing when nothing is
     * pending. Allowed after close (it does nothing then).
     *
     * @throws IllegalArgumentException if the values cannot be serialized to JSON; they are not sent
     */
    void flush();

    /**
     * Sends the pending values at once and refuses later puts with {@link IllegalStateException}.
     * Idempotent.
     *
     * @throws IllegalArgumentException if the last values cannot be serialized to JSON; the buffer
     *                                  is closed anyway
     */
    @Override
    void close();
}
