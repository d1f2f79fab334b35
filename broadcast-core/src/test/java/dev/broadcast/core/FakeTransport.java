package dev.broadcast.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Transport} that records every frame handed to it (parsed as JSON) and how it was
 * closed. Sends complete synchronously unless the transport is {@link #stall() stalled}, in which
 * case they never complete, like a client that stopped reading.
 */
final class FakeTransport implements Transport {

    private final List<String> raw = new ArrayList<>();
    private final List<JsonNode> frames = new ArrayList<>();
    private final List<SendCallback> pending = new ArrayList<>();
    private boolean stalled;
    private int closeCode = -1;
    private String closeReason;
    private int closeCalls;
    private int sendsAfterClose;

    @Override
    public void send(String frame, SendCallback done) {
        JsonNode parsed = Wire.parse(frame); // every server frame must be one JSON document
        boolean complete;
        synchronized (this) {
            if (closeCalls > 0) {
                sendsAfterClose++;
            }
            raw.add(frame);
            frames.add(parsed);
            complete = !stalled;
            if (!complete) {
                pending.add(done);
            }
        }
        if (complete) {
            done.completed(null);
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCalls++;
        if (closeCode == -1) {
            closeCode = code;
            closeReason = reason;
        }
    }

    /** From now on sends are accepted but never complete. */
    synchronized void stall() {
        stalled = true;
    }

    /** Completes the oldest send that a stall left pending, as the socket would once it drained. */
    void completeNext() {
        SendCallback next;
        synchronized (this) {
            if (pending.isEmpty()) {
                throw new AssertionError("no pending send");
            }
            next = pending.remove(0);
        }
        next.completed(null);
    }

    /** Fails the oldest pending send with {@code failure}. */
    void failNext(Throwable failure) {
        SendCallback next;
        synchronized (this) {
            if (pending.isEmpty()) {
                throw new AssertionError("no pending send");
            }
            next = pending.remove(0);
        }
        next.completed(failure);
    }

    /** Every frame handed over so far, parsed. */
    synchronized List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    /** Every frame text handed over so far, exactly as sent. */
    synchronized List<String> rawFrames() {
        return List.copyOf(raw);
    }

    /** How many frames were handed over so far; a mark for {@link #framesSince}. */
    synchronized int count() {
        return frames.size();
    }

    synchronized List<JsonNode> framesSince(int mark) {
        return List.copyOf(frames.subList(mark, frames.size()));
    }

    synchronized JsonNode last() {
        if (frames.isEmpty()) {
            throw new AssertionError("no frame was sent");
        }
        return frames.get(frames.size() - 1);
    }

    /** Frames whose {@code event} is {@code event}. */
    synchronized List<JsonNode> events(String event) {
        return frames.stream().filter(f -> event.equals(f.path("event").asText(null))).toList();
    }

    /** The {@code event} names in order. */
    synchronized List<String> eventNames() {
        return frames.stream().map(f -> f.path("event").asText(null)).toList();
    }

    synchronized boolean closed() {
        return closeCalls > 0;
    }

    /** The close code, -1 when not closed. */
    synchronized int closeCode() {
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    synchronized int closeCalls() {
        return closeCalls;
    }

    /** Frames handed over after {@link #close}: a broken Transport contract, checked after each test. */
    synchronized int sendsAfterClose() {
        return sendsAfterClose;
    }

    /** Sends handed over while stalled that never completed. */
    synchronized int pendingSends() {
        return pending.size();
    }
}
