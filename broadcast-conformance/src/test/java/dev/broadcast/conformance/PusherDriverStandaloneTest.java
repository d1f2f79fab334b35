package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.core.BroadcastDriver;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DriverBroadcaster;
import dev.broadcast.core.ResolvedBroadcast;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pusher driver of broadcast-core against this project's standalone server in a child
 * process, with two JDK WebSocket clients as subscribers.
 */
@DisplayName("Pusher driver: delivers to the standalone server")
class PusherDriverStandaloneTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @BroadcastOn("orders")
    @BroadcastAs("order.shipped")
    public record OrderShipped(long id, String customer) {
    }

    @Test
    @DisplayName("Broadcasters.pusher reaches subscribers, toOthers leaves out the sender, queued events arrive in order")
    void deliversWithToOthersAndBatchesInOrder() throws Exception {
        try (ServerProcess server = ServerProcess.start("server-pusher-driver", List.of());
                Holding driver = new Holding(BroadcastDriver.pusher(URI.create("http://127.0.0.1:" + server.port()),
                        Target.APP_ID, Target.APP_KEY, Target.APP_SECRET));
                DriverBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            Client a = Client.connect(server);
            Client b = Client.connect(server);
            a.subscribe("orders", server);
            b.subscribe("orders", server);

            // toOthers: B gets the event, A does not; a marker sent to everyone after it proves A would have
            BroadcastReceipt shipped = broadcaster.toOthers(a.socketId()).broadcast(new OrderShipped(7, "ann"))
                    .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            assertEquals("order.shipped", shipped.event());
            broadcaster.on(Channel.of("orders")).as("marker").sendNow();
            a.await("marker", 1, server);
            b.await("marker", 1, server);

            assertEquals(List.of("order.shipped", "marker"), b.eventNames("orders"));
            assertEquals(List.of("marker"), a.eventNames("orders"), "A was left out of order.shipped only");
            assertEquals(JSON.readTree("{\"id\":7,\"customer\":\"ann\"}"),
                    JSON.readTree(b.events("order.shipped").get(0).get("data").asText()));

            // queued events waiting together are handed over as one list, sent as batch_events, and arrive in order
            driver.hold();
            List<CompletableFuture<BroadcastReceipt>> ticks = new ArrayList<>();
            ticks.add(tick(broadcaster, 0));
            driver.awaitHeld();
            for (int n = 1; n < 25; n++) {
                ticks.add(tick(broadcaster, n));
            }
            driver.release();
            ticks.forEach(t -> t.orTimeout(10, TimeUnit.SECONDS).join());
            for (Client client : List.of(a, b)) {
                client.await("tick", 25, server);
                assertEquals(IntStream.range(0, 25).boxed().toList(), client.events("tick").stream()
                        .map(f -> parse(f.get("data").asText()).get("n").asInt()).toList());
            }
            assertEquals(List.of(1, 1, 24), driver.listSizes(), "order.shipped, tick 0, then the 24 that waited");
        }
    }

    private static CompletableFuture<BroadcastReceipt> tick(DriverBroadcaster broadcaster, int n) {
        return broadcaster.on(Channel.of("orders")).as("tick").with(Map.of("n", n)).send().toCompletableFuture();
    }

    /** Wraps a driver; once {@link #hold()} is called, the next list handed over waits until {@link #release()}. */
    private static final class Holding implements BroadcastDriver {
        private final BroadcastDriver inner;
        private final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch entered = new CountDownLatch(0);
        private volatile CountDownLatch released = new CountDownLatch(0);

        Holding(BroadcastDriver inner) {
            this.inner = inner;
        }

        @Override
        public BroadcastReceipt deliver(ResolvedBroadcast broadcast) {
            return inner.deliver(broadcast);
        }

        @Override
        public List<BroadcastReceipt> deliverAll(List<ResolvedBroadcast> broadcasts) {
            entered.countDown();
            try {
                if (!released.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("not released within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sizes.add(broadcasts.size());
            return inner.deliverAll(broadcasts);
        }

        void hold() {
            released = new CountDownLatch(1);
            entered = new CountDownLatch(1);
        }

        void awaitHeld() throws InterruptedException {
            assertTrue(entered.await(10, TimeUnit.SECONDS), "nothing reached the driver");
        }

        void release() {
            released.countDown();
        }

        /** The size of each list handed to deliverAll; sendNow does not go through it. */
        List<Integer> listSizes() {
            return List.copyOf(sizes);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A JDK WebSocket client speaking just enough of the protocol: connect, subscribe, collect events. */
    private static final class Client implements WebSocket.Listener {
        private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        static Client connect(ServerProcess server) throws Exception {
            Client client = new Client();
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/app/" + Target.APP_KEY
                    + "?protocol=7&client=java&version=1.0");
            HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, client).get(10, TimeUnit.SECONDS);
            client.await("pusher:connection_established", 1, server);
            return client;
        }

        private WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            this.socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(parse(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        String socketId() {
            return parse(events("pusher:connection_established").get(0).get("data").asText()).get("socket_id").asText();
        }

        void subscribe(String channel, ServerProcess server) {
            socket.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}", true).join();
            await("pusher_internal:subscription_succeeded", 1, server);
        }

        List<JsonNode> events(String event) {
            return frames.stream().filter(f -> event.equals(f.path("event").asText())).toList();
        }

        /** The event names received on {@code channel}, in order. */
        List<String> eventNames(String channel) {
            return frames.stream().filter(f -> channel.equals(f.path("channel").asText()))
                    .map(f -> f.path("event").asText())
                    .filter(e -> !e.startsWith("pusher"))
                    .toList();
        }

        void await(String event, int count, ServerProcess server) {
            Waits.until(() -> events(event).size() >= count, WAIT,
                    () -> count + " x " + event + "; got " + frames + "\n" + server.logTail());
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
