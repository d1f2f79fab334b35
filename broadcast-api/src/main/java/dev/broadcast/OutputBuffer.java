package dev.broadcast;

import java.time.Duration;

/**
 * A throttled, bounded buffer for high-frequency output on one channel, such as the lines an agent
 * or a build prints: instead of one event per line, subscribers receive at most one batch event per
 * window. Get one from {@link Broadcaster#buffer(Channel, String)}:
 *
 * <pre>{@code
 * try (OutputBuffer out = broadcaster.buffer(Channel.privateChannel("task.42"), "agent.output")
 *         .window(Duration.ofMillis(100))) {
 *     process.lines().forEach(out::append);
 * }   // close() sends what is left at once
 * }</pre>
 *
 * <p><b>What subscribers receive.</b> Each batch is one event named as given to
 * {@code buffer(channel, event)}, on that channel, with the payload
 * {@code {"lines":[...],"dropped":n}}: the lines in the order they were appended, each serialized
 * to JSON like any payload (strings, numbers, records, maps), and how many lines were dropped
 * since the previous batch (0 when none, see below). The payload is encoded to JSON once per batch,
 * however many subscribers the channel has.
 *
 * <p><b>Windows.</b> A buffer with nothing pending holds no timer. The first {@link #append} after
 * that opens a window; when the window ends, everything appended meanwhile is sent as one batch, and
 * the next append opens the next window. So a channel gets at most one batch per window from a
 * buffer, and a line waits at most one window, except that {@link #appendPriority}, {@link #flush()}
 * and {@link #close()} send what is pending at once (and end the current window). Window 100 ms by
 * default ({@link #DEFAULT_WINDOW}).
 *
 * <p><b>Bound.</b> At most {@link #maxLines(int) maxLines} lines (1,000 by default,
 * {@link #DEFAULT_MAX_LINES}) wait for a window; appending one more drops the oldest pending line.
 * {@code dropped} in the next batch counts exactly the lines dropped this way since the batch
 * before it, so a client can show "… n lines skipped". Lines lost for other reasons (see below) are
 * not counted.
 *
 * <p><b>Size.</b> A batch whose JSON would pass 10,240 bytes, Pusher's limit on an event's data,
 * goes out as several consecutive events of this name, each within the limit, with the lines in
 * order and {@code dropped} reported in the first. A single line over the limit is sent alone, and
 * the driver refuses it as it would any oversized event.
 *
 * <p><b>Sending.</b> A batch goes through the broadcaster's normal queued path, as
 * {@link PendingBroadcast#send()}: on the broadcaster's dispatcher, in order with other queued
 * broadcasts; a full queue or a failing driver is logged there and never thrown at the caller. A
 * batch whose lines cannot be serialized to JSON is not sent: it is logged, and, when the caller's
 * own {@code appendPriority}, {@code flush} or {@code close} sent it, also thrown as
 * {@link IllegalArgumentException}. Prefer strings or small records as lines.
 *
 * <p><b>Threads.</b> Thread-safe: any thread may append, and lines from one thread keep their order.
 * Batches from one buffer are handed to the dispatcher in order, whichever thread (the timer or a
 * caller) sends them. Configure ({@link #window}, {@link #maxLines}) before the first append, on
 * the thread that made the buffer.
 *
 * <p><b>Close.</b> {@link #close()} sends what is pending, then refuses appends with
 * {@link IllegalStateException}; it is idempotent. Closing the broadcaster sends what every open
 * buffer has pending and refuses their later appends. Buffers with nothing pending hold no
 * resources; close them anyway when the output ends, so the last lines go out without waiting.
 */
public interface OutputBuffer extends AutoCloseable {

    /** The window when none is set: 100 ms. */
    Duration DEFAULT_WINDOW = Duration.ofMillis(100);

    /** The bound when none is set: 1,000 pending lines. */
    int DEFAULT_MAX_LINES = 1_000;

    /**
     * Sets how long lines are collected before a batch is sent; 100 ms by default.
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code window} is zero or negative
     * @throws IllegalStateException if a line was already appended, or the buffer is closed
     */
    OutputBuffer window(Duration window);

    /**
     * Sets how many lines may wait for a window before the oldest is dropped; 1,000 by default.
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code maxLines} is less than 1
     * @throws IllegalStateException if a line was already appended, or the buffer is closed
     */
    OutputBuffer maxLines(int maxLines);

    /**
     * Adds a line to the current window (opening one if none is open). Never blocks on I/O.
     *
     * @throws NullPointerException if {@code line} is null
     * @throws IllegalStateException if the buffer or its broadcaster is closed
     */
    void append(Object line);

    /**
     * Adds a line and sends the pending lines with it at once, as one batch, for output that must
     * not wait (an error, a prompt, the end of a task). The current window ends; the next append
     * opens a new one.
     *
     * @throws NullPointerException if {@code line} is null
     * @throws IllegalStateException if the buffer or its broadcaster is closed
     * @throws IllegalArgumentException if the batch cannot be serialized to JSON; it is not sent
     */
    void appendPriority(Object line);

    /**
     * Sends what is pending at once, as one batch, and ends the current window; nothing when
     * nothing is pending. Allowed after close (it does nothing then).
     *
     * @throws IllegalArgumentException if the batch cannot be serialized to JSON; it is not sent
     */
    void flush();

    /**
     * Sends what is pending at once and refuses later appends with {@link IllegalStateException}.
     * Idempotent.
     *
     * @throws IllegalArgumentException if the last batch cannot be serialized to JSON; the buffer
     *                                  is closed anyway
     */
    @Override
    void close();
}
