package dev.broadcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * A Pusher protocol client over the JDK's WebSocket client, connected to a {@link TestServer}, for
 * tests that want to see what a browser would see. Subscriptions to private and presence channels
 * are authorized the way a browser's are: through the server's channel routes for this client's
 * user, then signed.
 *
 * <p>{@code assertReceived} looks at messages not yet matched by an earlier assertion, waiting up
 * to {@link #timeout()} for one to arrive, and consumes the one it matches, so asserting twice
 * needs two messages. {@code assertNotReceived} always waits {@link #quietPeriod()}.
 * {@link #messages()} keeps everything. Failures are opentest4j {@link AssertionFailedError}s that
 * list what did arrive.
 */
public final class TestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Function<String, String> authorizer;
    private final List<JsonNode> history = new ArrayList<>();
    private final LinkedList<JsonNode> unmatched = new LinkedList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final String socketId;
    private Duration timeout = Duration.ofSeconds(2);
    private Duration quietPeriod = Duration.ofMillis(200);

    /**
     * @param authorizer given {@code socketId + " " + channel}, the auth response JSON the app's auth
     *                   endpoint would give ({@code {"auth":…[,"channel_data":…]}}), or null when denied
     */
    TestClient(URI uri, Function<String, String> authorizer) {
        this.authorizer = authorizer;
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to " + uri, e);
        }
        JsonNode established = take(m -> m.path("event").asText().equals("pusher:connection_established"),
                "pusher:connection_established");
        this.socketId = data(established).path("socket_id").asText();
    }

    /** The socket id the server gave this connection. */
    public String socketId() {
        return socketId;
    }

    /** How long assertions wait for a message; 2 s by default. */
    public Duration timeout() {
        return timeout;
    }

    /** How long {@code assertNot…} watches for a message that must not come; 200 ms by default. */
    public Duration quietPeriod() {
        return quietPeriod;
    }

    /** Changes both waits. */
    public TestClient waits(Duration timeout, Duration quietPeriod) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
        return this;
    }

    /**
     * Subscribes to {@code channel}, asking the routes first for private and presence channels. A
     * denied route sends nothing, as pusher-js does when the auth endpoint answers 403.
     */
    public Subscription subscribe(Channel channel) {
        ObjectNode data = JSON.createObjectNode().put("channel", channel.name());
        if (channel.type() == ChannelType.PUBLIC) {
            data.put("auth", "");
        } else {
            String answer = authorizer.apply(socketId + " " + channel.name());
            if (answer == null) {
                return new Subscription(this, channel.name(), true);
            }
            JsonNode auth = parse(answer);
            data.put("auth", auth.path("auth").asText());
            if (auth.hasNonNull("channel_data")) {
                data.put("channel_data", auth.get("channel_data").asText());
            }
        }
        send("pusher:subscribe", data);
        return new Subscription(this, channel.name(), false);
    }

    /** Leaves {@code channel}. */
    public void unsubscribe(Channel channel) {
        send("pusher:unsubscribe", JSON.createObjectNode().put("channel", channel.name()));
    }

    /**
     * Sends a client event, as Echo's {@code whisper(event, payload)} does: the event goes out as
     * {@code client-{event}} on {@code channel}.
     */
    public void whisper(Channel channel, String event, Object payload) {
        ObjectNode message = JSON.createObjectNode().put("event", "client-" + event).put("channel", channel.name());
        message.set("data", JSON.valueToTree(payload));
        sendText(message.toString());
    }

    /** Sends any text frame as is. */
    public void sendText(String frame) {
        socket.sendText(frame, true).join();
    }

    /** Waits for an event on a channel and returns its data (parsed when it is JSON text). */
    public JsonNode assertReceived(String channel, String event) {
        return assertReceived(channel, event, data -> true);
    }

    /** Waits for an event on a channel whose data matches {@code filter}; returns that data. */
    public JsonNode assertReceived(String channel, String event, Predicate<JsonNode> filter) {
        return data(take(m -> channel.equals(m.path("channel").asText()) && event.equals(m.path("event").asText())
                && filter.test(data(m)), "'" + event + "' on " + channel));
    }

    /** Watches for {@link #quietPeriod()} and fails if the event arrives on the channel. */
    public void assertNotReceived(String channel, String event) {
        Predicate<JsonNode> match = m -> channel.equals(m.path("channel").asText()) && event.equals(m.path("event").asText());
        JsonNode found = poll(match, quietPeriod);
        if (found != null) {
            throw new AssertionFailedError("Expected no '" + event + "' on " + channel + " but received " + found
                    + ".\n" + received(), "nothing", found.toString());
        }
    }

    /** Waits for {@code pusher_internal:member_added} of {@code userId} on a presence channel. */
    public JsonNode assertMemberAdded(String channel, String userId) {
        return assertReceived(channel, "pusher_internal:member_added", d -> userId.equals(d.path("user_id").asText()));
    }

    /** Waits for {@code pusher_internal:member_removed} of {@code userId} on a presence channel. */
    public JsonNode assertMemberRemoved(String channel, String userId) {
        return assertReceived(channel, "pusher_internal:member_removed", d -> userId.equals(d.path("user_id").asText()));
    }

    /** Waits for the server to close the connection and returns the close code. */
    public int assertClosed() {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("Expected the connection to close within " + timeout.toMillis() + " ms.\n"
                    + received(), "closed", "open");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        } catch (ExecutionException e) {
            throw new AssertionFailedError("The connection failed instead of closing: " + e.getCause());
        }
    }

    /** Waits for the server to close the connection with {@code code}. */
    public void assertClosed(int code) {
        int actual = assertClosed();
        if (actual != code) {
            throw new AssertionFailedError("Expected close code " + code + " but got " + actual + ".\n" + received(),
                    code, actual);
        }
    }

    /** Every message received so far, matched or not. */
    public List<JsonNode> messages() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Closes the connection (normal closure). */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }

    void send(String event, JsonNode data) {
        ObjectNode message = JSON.createObjectNode().put("event", event);
        message.set("data", data);
        sendText(message.toString());
    }

    JsonNode take(Predicate<JsonNode> match, String what) {
        JsonNode found = poll(match, timeout);
        if (found == null) {
            throw new AssertionFailedError("Expected " + what + " within " + timeout.toMillis() + " ms.\n" + received(),
                    what, received());
        }
        return found;
    }

    /** The data of a message: string data that is JSON is parsed, as pusher-js does. */
    static JsonNode data(JsonNode message) {
        JsonNode data = message.path("data");
        if (data.isTextual()) {
            try {
                return JSON.readTree(data.asText());
            } catch (IOException e) {
                return data;
            }
        }
        return data;
    }

    private JsonNode poll(Predicate<JsonNode> match, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (history) {
            while (true) {
                for (Iterator<JsonNode> it = unmatched.iterator(); it.hasNext(); ) {
                    JsonNode next = it.next();
                    if (match.test(next)) {
                        it.remove();
                        return next;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    history.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private String received() {
        List<JsonNode> all = messages();
        if (all.isEmpty()) {
            return "Nothing was received.";
        }
        return "Received (" + all.size() + "):\n" + all.stream().map(m -> "  " + m).collect(Collectors.joining("\n"));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence text, boolean last) {
            partial.append(text);
            if (last) {
                JsonNode message = parse(partial.toString());
                partial.setLength(0);
                synchronized (history) {
                    history.add(message);
                    unmatched.add(message);
                    history.notifyAll();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
