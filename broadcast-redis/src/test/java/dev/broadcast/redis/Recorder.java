package dev.broadcast.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A client connection to a hub without a socket: records every frame, waits for the ones asked for. */
final class Recorder implements Transport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> frames = new ArrayList<>();
    private int closeCode = -1;
    Connection connection;

    static Recorder connect(BroadcastHub hub, String key) {
        Recorder recorder = new Recorder();
        recorder.connection = hub.connect(new ConnectRequest(key, "7", null), recorder);
        return recorder;
    }

    @Override
    public void send(String frame, SendCallback done) {
        try {
            JsonNode parsed = JSON.readTree(frame);
            synchronized (this) {
                frames.add(parsed);
                notifyAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        done.completed(null);
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == -1) {
            closeCode = code;
        }
        notifyAll();
        connection.closed();
    }

    String socketId() throws InterruptedException {
        JsonNode established = await(f -> f.path("event").asText().equals("pusher:connection_established"));
        return data(established).path("socket_id").asText();
    }

    void send(String json) {
        connection.receive(json);
    }

    void subscribe(String channel) {
        send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
    }

    /**
     * Waits long enough for a frame that must not come (a duplicate, an echo) to have arrived, so
     * that counting afterwards proves it did not.
     */
    static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    /** Waits up to 10 s for a frame matching {@code wanted}; returns it. */
    synchronized JsonNode await(Predicate<JsonNode> wanted) throws InterruptedException {
        return await(wanted, Duration.ofSeconds(10));
    }

    synchronized JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode frame : frames) {
                if (wanted.test(frame)) {
                    return frame;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no such frame within " + timeout + "; got " + frames);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits for {@code event} on {@code channel}. */
    JsonNode await(String event, String channel) throws InterruptedException {
        return await(f -> f.path("event").asText().equals(event) && f.path("channel").asText().equals(channel));
    }

    /** The frames with {@code event} so far. */
    synchronized List<JsonNode> all(String event) {
        return frames.stream().filter(f -> f.path("event").asText().equals(event)).toList();
    }

    synchronized int closeCode() {
        return closeCode;
    }

    static JsonNode data(JsonNode frame) {
        JsonNode data = frame.path("data");
        if (data.isTextual()) {
            try {
                return JSON.readTree(data.asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }
}
