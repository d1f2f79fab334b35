package dev.broadcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.AuthResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * A Pusher protocol client over the JDK's WebSocket client, for tests that want to see what a
 * browser would see. Made by {@link TestServer#connect(Object)}, its subscriptions to private and
 * presence channels are authorized the way a browser's are: through the server's channel routes
 * for this client's user, then signed. Made by {@link #connect(URI, String)}, it talks to any
 * Pusher-protocol server (the standalone jar, a deployed server) and has no auth endpoint.
 *
 * <p>{@code assertReceived} looks at messages not yet matched by an earlier assertion, waiting up
 * to {@link #timeout()} for one to arrive, and consumes the one it matches, so asserting twice
 * needs two messages. {@code assertNotReceived} always waits {@link #quietPeriod()}.
 * {@link #messages()} keeps everything. Failures are opentest4j {@link AssertionFailedError}s that
 * list what did arrive.
 *
 * <p>Meant for one test thread; messages arrive on the client's own threads.
 */
public final class TestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Authorizer authorizer;
    private final List<JsonNode> history = new ArrayList<>();
    private final LinkedList<JsonNode> unmatched = new LinkedList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final String socketId;
    private Duration timeout = Duration.ofSeconds(2);
    private Duration quietPeriod = Duration.ofMillis(200);

    /** How a {@link TestServer}'s client has its private and presence subscriptions signed. */
    @FunctionalInterface
    interface Authorizer {
        /** What the app's auth endpoint answers for the connection {@code socketId} joining {@code channel}. */
        AuthResponse authorize(String socketId, String channel);
    }

    /**
     * Connects to {@code uri} and waits for {@code pusher:connection_established}.
     *
     * @param authorizer signs private and presence subscriptions; null sends them unsigned
     */
    TestClient(URI uri, Authorizer authorizer) {
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
        JsonNode first;
        try {
            first = take(m -> m.path("event").asText().equals("pusher:connection_established")
                    || m.path("event").asText().equals("pusher:error"), "pusher:connection_established");
        } catch (AssertionFailedError e) {
            socket.abort();
            throw e;
        }
        if (first.path("event").asText().equals("pusher:error")) {
            socket.abort();
            throw new AssertionFailedError("Expected pusher:connection_established from " + uri
                    + ", but the server answered " + first, "pusher:connection_established", first.toString());
        }
        this.socketId = data(first).path("socket_id").asText();
    }

    /**
     * Connects to a Pusher-protocol server that is already running, as app {@code appKey}: to
     * {@code server + "/app/" + appKey + "?protocol=7"}. Such a client has no auth endpoint, so it
     * sends subscriptions to private and presence channels unsigned and the server refuses them;
     * for those, use a {@link TestServer}.
     *
     * @param server the server's WebSocket address, {@code ws://} or {@code wss://}, with the path
     *               prefix the endpoint is mounted under if any, e.g. {@code ws://127.0.0.1:8080}
     * @throws IllegalStateException   if the connection cannot be opened within 10 s
     * @throws AssertionFailedError    if the server answers with a {@code pusher:error} (an unknown
     *                                 key: 4001), or sends no {@code pusher:connection_established}
     *                                 within 2 s
     */
    public static TestClient connect(URI server, String appKey) {
        Objects.requireNonNull(appKey, "appKey");
        String base = server.toString();
        return new TestClient(URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/app/" + appKey + "?protocol=7"), null);
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

    /** Changes both waits, for the assertions that follow; returns this client. */
    public TestClient waits(Duration timeout, Duration quietPeriod) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
        return this;
    }

    /**
     * Subscribes to {@code channel}. For a private or presence channel a {@link TestServer}'s client
     * first asks the auth endpoint, which asks the routes; a refusal sends nothing, as pusher-js
     * does when the auth endpoint answers 403, and the returned subscription has failed with that
     * status.
     */
    public Subscription subscribe(Channel channel) {
        ObjectNode data = JSON.createObjectNode().put("channel", channel.name());
        if (channel.type() == ChannelType.PUBLIC || authorizer == null) {
            data.put("auth", "");
        } else {
            AuthResponse answer = authorizer.authorize(socketId, channel.name());
            if (answer.status() != 200) {
                return new Subscription(this, channel.name(), answer);
            }
            JsonNode auth = parse(answer.json());
            data.put("auth", auth.path("auth").asText());
            if (auth.hasNonNull("channel_data")) {
                data.put("channel_data", auth.get("channel_data").asText());
            }
        }
        send("pusher:subscribe", data);
        return new Subscription(this, channel.name(), null);
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

    /**
     * Waits for {@code event} on {@code channel} and consumes it.
     *
     * @return its data, parsed when it is JSON text (as pusher-js hands it to a callback)
     * @throws AssertionFailedError if none arrives within {@link #timeout()}, listing what arrived
     */
    public JsonNode assertReceived(String channel, String event) {
        return data(take(on(channel, event), "'" + event + "' on " + channel));
    }

    /**
     * Waits for {@code event} on {@code channel} whose data matches {@code filter}, and consumes it;
     * messages of that event that do not match stay for later assertions.
     *
     * @return its data, parsed when it is JSON text
     * @throws AssertionFailedError if none arrives within {@link #timeout()}, listing what arrived
     */
    public JsonNode assertReceived(String channel, String event, Predicate<JsonNode> filter) {
        return data(take(on(channel, event).and(m -> filter.test(data(m))),
                "'" + event + "' on " + channel + " matching the predicate"));
    }

    /**
     * Asserts that {@code event} on {@code channel} is neither waiting unmatched nor arrives within
     * {@link #quietPeriod()}. Always takes that long when it passes.
     *
     * @throws AssertionFailedError naming the message that came, and listing what arrived
     */
    public void assertNotReceived(String channel, String event) {
        JsonNode found = poll(on(channel, event), quietPeriod);
        if (found != null) {
            throw new AssertionFailedError("Expected no '" + event + "' on " + channel + " but received " + found
                    + ".\n" + received(), "nothing", found.toString());
        }
    }

    /**
     * Waits for {@code pusher_internal:member_added} of {@code userId} on the presence
     * {@code channel}, sent to members when another connection of a user not yet present joins;
     * consumes it and returns its data ({@code user_id}, {@code user_info}).
     */
    public JsonNode assertMemberAdded(String channel, String userId) {
        return data(take(on(channel, "pusher_internal:member_added").and(m -> userId.equals(data(m).path("user_id").asText())),
                "member_added of user " + userId + " on " + channel));
    }

    /**
     * Waits for {@code pusher_internal:member_removed} of {@code userId} on the presence
     * {@code channel}, sent to members when the user's last connection leaves; consumes it and
     * returns its data.
     */
    public JsonNode assertMemberRemoved(String channel, String userId) {
        return data(take(on(channel, "pusher_internal:member_removed").and(m -> userId.equals(data(m).path("user_id").asText())),
                "member_removed of user " + userId + " on " + channel));
    }

    /**
     * Waits up to {@link #timeout()} for the server to close the connection.
     *
     * @return the close code
     * @throws AssertionFailedError if it stays open, or fails without a close frame
     */
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
            throw new AssertionFailedError("The connection failed instead of closing: " + e.getCause() + ".\n"
                    + received(), "closed", "failed");
        }
    }

    /**
     * Waits up to {@link #timeout()} for the server to close the connection with {@code code}
     * (4200: reconnect at once, 4201: pong timeout, 4100-range: slow consumer, …).
     */
    public void assertClosed(int code) {
        int actual = assertClosed();
        if (actual != code) {
            throw new AssertionFailedError("Expected close code " + code + " but got " + actual + ".\n" + received(),
                    code, actual);
        }
    }

    /** Every message received so far, in order, whether an assertion consumed it or not. */
    public List<JsonNode> messages() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Closes the connection with a normal closure (1000); idempotent. */
    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }

    /**
     * Waits at most {@code max} for the server's close to reach this client, without asserting
     * anything: a server that is shutting down lets its clients see the close before it lets their
     * sockets go ({@link #close()} aborts, and a close frame still in flight would be lost).
     */
    void awaitServerClose(Duration max) {
        try {
            closed.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // failed or still open: close() ends it either way
        }
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

    private static Predicate<JsonNode> on(String channel, String event) {
        return m -> channel.equals(m.path("channel").asText()) && event.equals(m.path("event").asText());
    }

    /** What arrived, for failure messages; messages consumed by earlier assertions are marked. */
    private String received() {
        List<String> lines = new ArrayList<>();
        synchronized (history) {
            Set<JsonNode> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
            waiting.addAll(unmatched);
            history.forEach(m -> lines.add((waiting.contains(m) ? "  " : "  (consumed) ") + m));
        }
        if (lines.isEmpty()) {
            return "Nothing was received.";
        }
        return "Received (" + lines.size() + "):\n" + String.join("\n", lines);
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
