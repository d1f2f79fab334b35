package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.testing.TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pusher driver of broadcast-core against this project's standalone server in a child
 * process, with two {@link TestClient}s as subscribers.
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
                Holding driver = new Holding(Broadcasters.pusherDriver(URI.create("http://127.0.0.1:" + server.port()),
                        Target.APP_ID, Target.APP_KEY, Target.APP_SECRET));
                DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).build()) {
            try (TestClient a = subscriber(server); TestClient b = subscriber(server)) {
                // toOthers: B gets the event, A does not; a marker sent to everyone after it proves A would have
                BroadcastReceipt shipped = broadcaster.toOthers(a.socketId()).broadcast(new OrderShipped(7, "ann"))
                        .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
                assertEquals("order.shipped", shipped.event());
                broadcaster.on(Channel.of("orders")).as("marker").sendNow();
                assertEquals(JSON.readTree("{\"id\":7,\"customer\":\"ann\"}"), b.assertReceived("orders", "order.shipped"));
                b.assertReceived("orders", "marker");
                a.assertReceived("orders", "marker");
                assertEquals(List.of("order.shipped", "marker"), eventNames(b, "orders"));
                assertEquals(List.of("marker"), eventNames(a, "orders"), "A was left out of order.shipped only");

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
                for (TestClient client : List.of(a, b)) {
                    for (int n = 0; n < 25; n++) {
                        // each assertion takes the first tick not yet taken: the order they arrived in
                        assertEquals(n, client.assertReceived("orders", "tick").get("n").asInt());
                    }
                    client.assertNotReceived("orders", "tick");
                }
                assertEquals(List.of(1, 1, 24), driver.listSizes(), "order.shipped, tick 0, then the 24 that waited");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + server.logTail(), e);
            }
        }
    }

    /** A client of the server process subscribed to {@code orders}, waiting up to 10 s for each event. */
    private static TestClient subscriber(ServerProcess server) {
        TestClient client = TestClient.connect(URI.create("ws://127.0.0.1:" + server.port()), Target.APP_KEY)
                .waits(WAIT, Duration.ofMillis(200));
        client.subscribe(Channel.of("orders")).assertSucceeded();
        return client;
    }

    /** The names of the events {@code client} received on {@code channel}, protocol events left out, in order. */
    private static List<String> eventNames(TestClient client, String channel) {
        return client.messages().stream()
                .filter(m -> channel.equals(m.path("channel").asText()))
                .map(m -> m.path("event").asText())
                .filter(e -> !e.startsWith("pusher"))
                .toList();
    }

    private static CompletableFuture<BroadcastReceipt> tick(DispatchingBroadcaster broadcaster, int n) {
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
        public BroadcastReceipt send(ResolvedBroadcast broadcast) {
            return inner.send(broadcast);
        }

        @Override
        public List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
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
            return inner.sendAll(broadcasts);
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
}
