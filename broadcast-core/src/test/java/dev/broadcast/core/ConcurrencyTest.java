package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** Real threads against one hub: whatever the interleaving, nothing leaks. */
class ConcurrencyTest {

    @Test
    void concurrentJoinsLeavesAndClosesLeaveNoChannelSubscriptionOrMember() throws Exception {
        try (Fixture fixture = Fixture.create()) {
            int threads = 8;
            int rounds = 300;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        TestClient client = fixture.connect();
                        String user = "{\"user_id\":\"" + (i % 5) + "\"}";
                        client.subscribePresence("presence-shared", user);
                        client.subscribe("shared");
                        fixture.hub.trigger(Fixture.ID, List.of("shared", "presence-shared"), "e", "x", null);
                        if ((i + thread) % 2 == 0) {
                            client.unsubscribe("presence-shared");
                        }
                        client.connection.closed();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertEquals(0, fixture.hub.stats().connections());
            assertEquals(0, fixture.hub.stats().channels());
            assertEquals(0, fixture.hub.stats().subscriptions());
            assertEquals("{\"users\":[]}", fixture.api(ApiCall.get("/apps/3/channels/presence-shared/users")).body());
        }
    }

    /**
     * Known race, left for a design decision: ChannelRegistry changes members under the channel's
     * compute lock, but ClientConnection publishes member_added / member_removed after the lock is
     * released. When one connection of a user leaves last while another joins, on two threads, the
     * frames can reach others in the opposite order of the changes, and a watcher ends up showing
     * the user absent while it is present. The joiner's subscription_succeeded snapshot has the same
     * race against concurrent member events. Fails within a few runs when enabled.
     */
    @Disabled("known race: presence events published outside the registry lock can be reordered; see javadoc")
    @Test
    void aWatcherSeesEveryUsersPresenceEventsAlternate() throws Exception {
        try (Fixture fixture = Fixture.create()) {
            TestClient watcher = fixture.connect();
            watcher.subscribePresence("presence-shared", "{\"user_id\":\"watcher\"}");
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 300; i++) {
                        TestClient client = fixture.connect();
                        client.subscribePresence("presence-shared", "{\"user_id\":\"" + (i % 3) + "\"}");
                        client.connection.closed();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            Map<String, Boolean> present = new HashMap<>();
            for (JsonNode frame : watcher.frames()) {
                String event = frame.path("event").asText();
                if (event.equals("pusher_internal:member_added") || event.equals("pusher_internal:member_removed")) {
                    String user = Wire.data(frame).get("user_id").asText();
                    boolean added = event.endsWith("added");
                    assertEquals(!added, present.getOrDefault(user, false),
                            () -> "member events out of order for user " + user);
                    present.put(user, added);
                }
            }
            present.forEach((user, isPresent) -> assertEquals(false, isPresent, user));
        }
    }
}
