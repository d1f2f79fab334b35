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
                        FixtureClient client = fixture.connect();
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
     * Presence frames are queued under the channel's lock, so a watcher sees each user's
     * member_added and member_removed alternate, however the joins and leaves of that user's
     * connections interleave on other threads.
     */
    @Test
    void aWatcherSeesEveryUsersPresenceEventsAlternate() throws Exception {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence("presence-shared", "{\"user_id\":\"watcher\"}");
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 300; i++) {
                        FixtureClient client = fixture.connect();
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
