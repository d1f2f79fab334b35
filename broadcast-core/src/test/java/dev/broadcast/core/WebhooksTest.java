package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.config.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Webhooks posted to a real HTTP receiver on loopback, with the real daemon scheduler for retries. */
class WebhooksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Fixture hubPostingTo(WebhookReceiver receiver) {
        return Fixture.create(b -> b.webhook(receiver.uri()).clientEvents(true),
                h -> h.scheduler(Scheduler.daemon()).webhookRetries(Duration.ofMillis(50), 3));
    }

    @Test
    void lifecycleEventsArePostedSignedWithExactBodies() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 200);
                Fixture fixture = hubPostingTo(receiver)) {
            FixtureClient a = fixture.connect();
            FixtureClient b = fixture.connect();
            FixtureClient c = fixture.connect();
            a.subscribePresence("presence-room", "{\"user_id\":\"1\"}");
            b.subscribePresence("presence-room", "{\"user_id\":2}");
            b.clientEvent("client-typing", "presence-room", "{\"x\":1}");
            c.subscribe("cache-prices");
            b.unsubscribe("presence-room");
            a.connection.closed();

            List<String> expected = new ArrayList<>(List.of(
                    "{\"name\":\"channel_occupied\",\"channel\":\"presence-room\"}",
                    "{\"name\":\"member_added\",\"channel\":\"presence-room\",\"user_id\":\"1\"}",
                    "{\"name\":\"member_added\",\"channel\":\"presence-room\",\"user_id\":\"2\"}",
                    "{\"name\":\"client_event\",\"channel\":\"presence-room\",\"event\":\"client-typing\","
                            + "\"data\":\"{\\\"x\\\":1}\",\"socket_id\":\"" + b.socketId() + "\",\"user_id\":\"2\"}",
                    "{\"name\":\"channel_occupied\",\"channel\":\"cache-prices\"}",
                    "{\"name\":\"cache_miss\",\"channel\":\"cache-prices\"}",
                    "{\"name\":\"member_removed\",\"channel\":\"presence-room\",\"user_id\":\"2\"}",
                    "{\"name\":\"member_removed\",\"channel\":\"presence-room\",\"user_id\":\"1\"}",
                    "{\"name\":\"channel_vacated\",\"channel\":\"presence-room\"}"));
            List<JsonNode> events = receiver.awaitEvents(expected.size(), WAIT);

            assertEquals(sorted(expected.stream().map(Wire::parse).toList()), sorted(events));
            assertBefore(events, "member_added", "1", "member_removed", "1");
            assertBefore(events, "member_added", "2", "member_removed", "2");
            assertBefore(events, "channel_occupied", null, "channel_vacated", null);

            for (WebhookReceiver.Request request : receiver.requests()) {
                assertEquals("POST", request.method());
                assertEquals("/hooks", request.path());
                assertEquals(List.of("application/json"), request.headerValues("Content-type"));
                assertEquals(Fixture.KEY, request.header("X-pusher-key"));
                assertEquals(Crypto.hmacHex(Fixture.SECRET, request.body()), request.header("X-pusher-signature"));
                JsonNode body = request.json();
                assertEquals(Set.of("time_ms", "events"), fieldNames(body));
                assertTrue(body.get("time_ms").isIntegralNumber(), body.toString());
                assertEquals(Fixture.START.toEpochMilli(), body.get("time_ms").longValue());
                assertTrue(body.get("events").isArray() && body.get("events").size() > 0, body.toString());
            }
            WebhookReceiver.awaitCondition(() -> fixture.hub.stats().webhooksSent() == receiver.requests().size(),
                    WAIT, () -> "webhooksSent " + fixture.hub.stats());
        }
    }

    @Test
    void clientEventOnPrivateChannelHasNoUserIdAndStringDataIsPassedAsIs() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 200);
                Fixture fixture = hubPostingTo(receiver)) {
            FixtureClient a = fixture.connect();
            FixtureClient b = fixture.connect();
            a.subscribe("private-x");
            b.subscribe("private-x");
            a.clientEvent("client-s", "private-x", "\"plain text\"");

            List<JsonNode> events = receiver.awaitEvents(2, WAIT);

            Wire.assertJson("{\"name\":\"channel_occupied\",\"channel\":\"private-x\"}", events.get(0));
            Wire.assertJson("{\"name\":\"client_event\",\"channel\":\"private-x\",\"event\":\"client-s\","
                    + "\"data\":\"plain text\",\"socket_id\":\"" + a.socketId() + "\"}", events.get(1));
        }
    }

    @Test
    void refusedSubscriptionsFireNoWebhook() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 200);
                Fixture fixture = hubPostingTo(receiver)) {
            FixtureClient client = fixture.connect();
            client.subscribeWith("private-x", "bad:signature", null);
            client.subscribePresence("presence-x", "{\"user_id\":\"" + "u".repeat(129) + "\"}");
            client.subscribe("marker"); // webhooks keep their order: anything before this would come first

            List<JsonNode> events = receiver.awaitEvents(1, WAIT);

            assertEquals(1, events.size(), events::toString);
            Wire.assertJson("{\"name\":\"channel_occupied\",\"channel\":\"marker\"}", events.get(0));
        }
    }

    @Test
    void serverToUserChannelsFireNoChannelWebhooks() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 200);
                Fixture fixture = hubPostingTo(receiver)) {
            FixtureClient client = fixture.connect();
            client.signin("{\"id\":\"42\"}");
            client.subscribe("#server-to-user-42");
            client.unsubscribe("#server-to-user-42");
            client.subscribe("marker");

            List<JsonNode> events = receiver.awaitEvents(1, WAIT);

            assertEquals(1, events.size(), events::toString);
            Wire.assertJson("{\"name\":\"channel_occupied\",\"channel\":\"marker\"}", events.get(0));
        }
    }

    @Test
    void receiverFailingTwiceGetsThreeAttemptsAndOneWebhookCountsAsSent() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> attempt <= 2 ? 500 : 200);
                Fixture fixture = hubPostingTo(receiver)) {
            fixture.connect().subscribe("orders");

            List<WebhookReceiver.Request> attempts = receiver.awaitRequests(3, WAIT);
            WebhookReceiver.awaitCondition(() -> fixture.hub.stats().webhooksSent() == 1, WAIT,
                    () -> fixture.hub.stats().toString());

            assertEquals(3, receiver.requests().size());
            for (WebhookReceiver.Request attempt : attempts) {
                assertArrayEquals(attempts.get(0).body(), attempt.body(), "a retry posts the same bytes");
                assertEquals(attempts.get(0).header("X-pusher-signature"), attempt.header("X-pusher-signature"));
            }
            Wire.assertJson("{\"name\":\"channel_occupied\",\"channel\":\"orders\"}", attempts.get(0).json().get("events").get(0));
            assertEquals(1, fixture.hub.stats().webhooksSent());
            assertEquals(0, fixture.hub.stats().webhooksFailed());
        }
    }

    @Test
    void receiverAlwaysFailingIsGivenUpAfterTheLastAttempt() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 503);
                Fixture fixture = hubPostingTo(receiver)) {
            fixture.connect().subscribe("orders");

            receiver.awaitRequests(3, WAIT);
            WebhookReceiver.awaitCondition(() -> fixture.hub.stats().webhooksFailed() == 1, WAIT,
                    () -> fixture.hub.stats().toString());

            assertEquals(3, receiver.requests().size());
            assertEquals(0, fixture.hub.stats().webhooksSent());
        }
    }

    private static List<String> sorted(List<JsonNode> events) {
        return events.stream().map(JsonNode::toString).sorted(Comparator.naturalOrder()).toList();
    }

    /** Asserts the first event named {@code first} (for {@code user}) comes before the one named {@code then}. */
    private static void assertBefore(List<JsonNode> events, String first, String user, String then, String thenUser) {
        int a = indexOf(events, first, user);
        int b = indexOf(events, then, thenUser);
        assertTrue(a >= 0 && b >= 0 && a < b, () -> first + " must come before " + then + ": " + events);
    }

    private static int indexOf(List<JsonNode> events, String name, String user) {
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            if (name.equals(event.get("name").asText())
                    && (user == null || user.equals(event.path("user_id").asText(null)))) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Two threads sending a fresh hub's first webhooks at once both get posted (the client was once made after the thread). */
    @Test
    void theFirstWebhooksSentFromTwoThreadsAtOnceAreBothPosted() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(attempt -> 200)) {
            dev.broadcast.core.config.App app = dev.broadcast.core.config.App.builder("1", "key", "secret")
                    .webhook(receiver.uri()).build();
            int rounds = 30;
            for (int round = 0; round < rounds; round++) {
                Scheduler scheduler = Scheduler.daemon();
                var webhooks = new dev.broadcast.core.internal.webhooks.Webhooks(scheduler, java.time.InstantSource.system(),
                        Duration.ofMillis(50), 1);
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String channel = "round-" + round + "-" + t;
                    Thread thread = new Thread(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        webhooks.send(app, dev.broadcast.core.internal.wire.Json.object().put("name", "channel_occupied")
                                .put("channel", channel));
                    });
                    thread.start();
                    threads.add(thread);
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                WebhookReceiver.awaitCondition(() -> webhooks.sent() + webhooks.failed() >= 1, WAIT, () -> "posts");
                webhooks.close();
                scheduler.close();
            }
            List<JsonNode> events = receiver.awaitEvents(2 * rounds, WAIT);
            assertEquals(2 * rounds, events.size());
        }
    }
}
