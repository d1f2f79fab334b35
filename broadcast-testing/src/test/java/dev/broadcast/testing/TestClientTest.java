package dev.broadcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.Authorization;
import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * Every assertion of {@link TestClient} and {@link Subscription}, passing and failing, against one
 * real server; each test uses channels of its own. Failing cases wait {@link #TIMEOUT} or
 * {@link #QUIET}, so they stay short.
 */
class TestClientTest {

    record User(String id) {
    }

    static final Duration TIMEOUT = Duration.ofMillis(400);
    static final Duration QUIET = Duration.ofMillis(100);

    static final ChannelRoutes<User> ROUTES = ChannelRoutes.<User>create()
            .channel("orders.{id}", (user, p) -> true)
            .presence("chat.{room}", (user, p) -> Authorization.member(user.id(), Map.of("name", user.id())))
            // a user id over the server's 128 characters: the routes allow it, the server refuses it
            .presence("crowded.{room}", (user, p) -> Authorization.member("u".repeat(129)));

    static TestServer<User> server;

    @BeforeAll
    static void start() {
        server = TestServer.start(ROUTES);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestClient client(String user) {
        return server.connect(new User(user)).waits(TIMEOUT, QUIET);
    }

    private static AssertionFailedError fails(Executable assertion) {
        return assertThrows(AssertionFailedError.class, assertion);
    }

    private static void send(String channel, String event, Object payload) {
        server.broadcaster().on(Channel.of(channel)).as(event).with(payload).sendNow();
    }

    private static void assertStartsWith(String prefix, String actual) {
        assertTrue(actual.startsWith(prefix), () -> "expected to start with:\n" + prefix + "\nbut was:\n" + actual);
    }

    @Test
    void assertReceivedReturnsTheDataAndConsumesTheMessageSoASecondAssertionNeedsASecondMessage() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("news.1")).assertSucceeded();
            send("news.1", "headline", Map.of("text", "hi"));
            assertEquals("hi", ann.assertReceived("news.1", "headline").get("text").asText());

            AssertionFailedError failure = fails(() -> ann.assertReceived("news.1", "headline"));
            assertStartsWith("Expected 'headline' on news.1 within 400 ms.\nReceived (3):\n"
                    + "  (consumed) {\"event\":\"pusher:connection_established\"", failure.getMessage());
            assertTrue(failure.getMessage().endsWith("\n  (consumed) {\"event\":\"pusher_internal:subscription_succeeded\","
                    + "\"channel\":\"news.1\",\"data\":\"{}\"}\n"
                    + "  (consumed) {\"event\":\"headline\",\"channel\":\"news.1\",\"data\":\"{\\\"text\\\":\\\"hi\\\"}\"}"),
                    failure.getMessage());
            assertEquals("'headline' on news.1", failure.getExpected().getValue());

            send("news.1", "headline", Map.of("text", "again"));
            assertEquals("again", ann.assertReceived("news.1", "headline").get("text").asText());
        }
    }

    @Test
    void assertReceivedWithAPredicateConsumesOnlyTheMessageItMatches() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("ticks.1")).assertSucceeded();
            send("ticks.1", "tick", Map.of("n", 1));
            send("ticks.1", "tick", Map.of("n", 2));
            assertEquals(2, ann.assertReceived("ticks.1", "tick", data -> data.get("n").asInt() == 2).get("n").asInt());
            assertEquals(1, ann.assertReceived("ticks.1", "tick").get("n").asInt(), "the unmatched tick stayed");

            send("ticks.1", "tick", Map.of("n", 3));
            AssertionFailedError failure = fails(() -> ann.assertReceived("ticks.1", "tick", data -> data.get("n").asInt() == 2));
            assertStartsWith("Expected 'tick' on ticks.1 matching the predicate within 400 ms.\nReceived (5):\n",
                    failure.getMessage());
            assertTrue(failure.getMessage().endsWith("\n  {\"event\":\"tick\",\"channel\":\"ticks.1\",\"data\":\"{\\\"n\\\":3}\"}"),
                    "the tick that did not match is listed as not consumed: " + failure.getMessage());
        }
    }

    @Test
    void assertReceivedWaitsForAMessageThatIsStillOnItsWay() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("late.1")).assertSucceeded();
            CompletableFuture.runAsync(() -> send("late.1", "late", Map.of()),
                    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
            ann.waits(Duration.ofSeconds(5), QUIET).assertReceived("late.1", "late");
        }
    }

    @Test
    void assertNotReceivedPassesWhenNothingComesAndFailsWhenTheEventIsWaitingOrArrives() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("quiet.1")).assertSucceeded();
            ann.assertNotReceived("quiet.1", "headline");

            send("quiet.1", "headline", Map.of("text", "hi"));
            ann.assertReceived("quiet.1", "headline");
            ann.assertNotReceived("quiet.1", "headline"); // consumed messages do not count

            send("quiet.1", "headline", Map.of("text", "again"));
            ann.assertReceived("quiet.1", "headline"); // wait until it is here
            send("quiet.1", "headline", Map.of("text", "waiting"));
            ann.assertReceived("quiet.1", "headline", data -> data.get("text").asText().equals("waiting"));
            send("quiet.1", "headline", Map.of("text", "too much"));
            AssertionFailedError waiting = fails(() -> ann.waits(TIMEOUT, Duration.ofSeconds(5))
                    .assertNotReceived("quiet.1", "headline"));
            String found = "{\"event\":\"headline\",\"channel\":\"quiet.1\",\"data\":\"{\\\"text\\\":\\\"too much\\\"}\"}";
            assertStartsWith("Expected no 'headline' on quiet.1 but received " + found + ".\nReceived (6):\n",
                    waiting.getMessage());
            assertEquals("nothing", waiting.getExpected().getValue());
            assertEquals(found, waiting.getActual().getValue());

            CompletableFuture.runAsync(() -> send("quiet.1", "headline", Map.of("text", "later")),
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            AssertionFailedError arriving = fails(() -> ann.assertNotReceived("quiet.1", "headline"));
            assertStartsWith("Expected no 'headline' on quiet.1 but received {\"event\":\"headline\",\"channel\":\"quiet.1\","
                    + "\"data\":\"{\\\"text\\\":\\\"later\\\"}\"}.\n", arriving.getMessage());
        }
    }

    @Test
    void assertMemberAddedAndRemovedNameTheUserTheyWaitedFor() {
        try (TestClient ann = client("1"); TestClient bob = client("2")) {
            ann.subscribe(Channel.presence("chat.members")).assertSucceeded();
            bob.subscribe(Channel.presence("chat.members")).assertSucceeded();
            JsonNode added = ann.assertMemberAdded("presence-chat.members", "2");
            assertEquals("{\"user_id\":\"2\",\"user_info\":{\"name\":\"2\"}}", added.toString());

            AssertionFailedError notAdded = fails(() -> ann.assertMemberAdded("presence-chat.members", "3"));
            assertStartsWith("Expected member_added of user 3 on presence-chat.members within 400 ms.\nReceived (3):\n",
                    notAdded.getMessage());
            assertTrue(notAdded.getMessage().contains("  (consumed) {\"event\":\"pusher_internal:member_added\""),
                    notAdded.getMessage());

            AssertionFailedError notRemoved = fails(() -> ann.assertMemberRemoved("presence-chat.members", "2"));
            assertStartsWith("Expected member_removed of user 2 on presence-chat.members within 400 ms.\n",
                    notRemoved.getMessage());
            bob.close();
            assertEquals("{\"user_id\":\"2\"}", ann.assertMemberRemoved("presence-chat.members", "2").toString());
        }
    }

    @Test
    void assertClosedReturnsTheCodeTheServerClosedWith() {
        try (TestClient ann = client("1")) {
            AssertionFailedError open = fails(ann::assertClosed);
            assertStartsWith("Expected the connection to close within 400 ms.\nReceived (1):\n", open.getMessage());
            AssertionFailedError stillOpen = fails(() -> ann.assertClosed(1009));
            assertStartsWith("Expected the connection to close within 400 ms.\n", stillOpen.getMessage());

            ann.sendText("{\"event\":\"pusher:ping\",\"data\":\"" + "x".repeat(11_000) + "\"}"); // over the 10 KB limit
            assertEquals(1009, ann.assertClosed());
            ann.assertClosed(1009);
            AssertionFailedError otherCode = fails(() -> ann.assertClosed(4200));
            assertStartsWith("Expected close code 4200 but got 1009.\nReceived (1):\n", otherCode.getMessage());
            assertEquals(4200, otherCode.getExpected().getValue());
            assertEquals(1009, otherCode.getActual().getValue());
        }
    }

    @Test
    void whisperReachesTheOtherMembersAndNotTheSender() {
        try (TestClient ann = client("1"); TestClient bob = client("2")) {
            ann.subscribe(Channel.privateChannel("orders.7")).assertSucceeded();
            bob.subscribe(Channel.privateChannel("orders.7")).assertSucceeded();
            ann.whisper(Channel.privateChannel("orders.7"), "typing", Map.of("name", "ann"));
            bob.assertReceived("private-orders.7", "client-typing", data -> data.get("name").asText().equals("ann"));
            ann.assertNotReceived("private-orders.7", "client-typing");
        }
    }

    @Test
    void unsubscribeStopsTheEvents() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("gone.1")).assertSucceeded();
            ann.unsubscribe(Channel.of("gone.1"));
            // one connection's frames are handled in order: once this answer is here, so was the unsubscribe
            ann.subscribe(Channel.of("gone.2")).assertSucceeded();
            send("gone.1", "headline", Map.of());
            send("gone.2", "headline", Map.of());
            ann.assertReceived("gone.2", "headline");
            ann.assertNotReceived("gone.1", "headline");
        }
    }

    @Test
    void messagesKeepsTheWholeHistoryInOrder() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.of("history.1")).assertSucceeded();
            send("history.1", "first", Map.of());
            send("history.1", "second", Map.of());
            ann.assertReceived("history.1", "second");
            ann.assertReceived("history.1", "first");
            assertEquals(List.of("pusher:connection_established", "pusher_internal:subscription_succeeded", "first", "second"),
                    ann.messages().stream().map(m -> m.get("event").asText()).toList());
        }
    }

    @Test
    void assertSucceededReturnsTheDataAndFailsWhenTheRoutesOrTheServerRefuse() {
        try (TestClient ann = client("1")) {
            assertEquals("{}", ann.subscribe(Channel.of("open.1")).assertSucceeded().toString());
            assertEquals("{}", ann.subscribe(Channel.privateChannel("orders.1")).assertSucceeded().toString());
            JsonNode presence = ann.subscribe(Channel.presence("chat.succeeded")).assertSucceeded();
            assertEquals("{\"presence\":{\"ids\":[\"1\"],\"hash\":{\"1\":{\"name\":\"1\"}},\"count\":1}}", presence.toString());

            AssertionFailedError byRoutes = fails(() -> ann.subscribe(Channel.privateChannel("secrets.1")).assertSucceeded());
            assertEquals("Expected private-secrets.1 to be joined, but the auth endpoint refused it with 403 "
                    + "{\"error\":\"Forbidden\"}; nothing was sent (RouteAssertions tells why a route denies)",
                    byRoutes.getMessage());
            assertEquals("refused with 403", byRoutes.getActual().getValue());

            AssertionFailedError byServer = fails(() -> ann.subscribe(Channel.presence("crowded.1")).assertSucceeded());
            assertEquals("Expected presence-crowded.1 to be joined, but the server answered "
                    + "{\"event\":\"pusher:subscription_error\",\"channel\":\"presence-crowded.1\",\"data\":{\"type\":\"LimitReached\","
                    + "\"error\":\"user_id is longer than 128 characters\",\"status\":4301}}", byServer.getMessage());
        }
    }

    @Test
    void assertFailedReturnsTheStatusOfTheRefusalAndFailsWhenTheSubscriptionSucceeded() {
        try (TestClient ann = client("1")) {
            assertEquals(403, ann.subscribe(Channel.privateChannel("secrets.2")).assertFailed());
            assertEquals(4301, ann.subscribe(Channel.presence("crowded.2")).assertFailed());

            AssertionFailedError succeeded = fails(() -> ann.subscribe(Channel.of("open.2")).assertFailed());
            assertEquals("Expected the subscription to open.2 to fail, but it succeeded: "
                    + "{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"open.2\",\"data\":\"{}\"}",
                    succeeded.getMessage());
        }
    }

    @Test
    void assertFailedWithAStatusComparesIt() {
        try (TestClient ann = client("1")) {
            ann.subscribe(Channel.privateChannel("secrets.3")).assertFailed(403);
            ann.subscribe(Channel.presence("crowded.3")).assertFailed(4301);

            AssertionFailedError byRoutes = fails(() -> ann.subscribe(Channel.privateChannel("secrets.3")).assertFailed(401));
            assertEquals("Expected the subscription to private-secrets.3 to fail with 401, but the auth endpoint refused it "
                    + "with 403 {\"error\":\"Forbidden\"}", byRoutes.getMessage());
            assertEquals(401, byRoutes.getExpected().getValue());
            assertEquals(403, byRoutes.getActual().getValue());

            AssertionFailedError byServer = fails(() -> ann.subscribe(Channel.presence("crowded.4")).assertFailed(403));
            assertStartsWith("Expected the subscription to presence-crowded.4 to fail with 403, but the server answered "
                    + "{\"event\":\"pusher:subscription_error\"", byServer.getMessage());

            AssertionFailedError succeeded = fails(() -> ann.subscribe(Channel.of("open.3")).assertFailed(403));
            assertStartsWith("Expected the subscription to open.3 to fail, but it succeeded", succeeded.getMessage());
        }
    }

    @Test
    void aSubscriptionKeepsTheServersAnswerSoItsAssertionsCanBeRepeatedInAnyOrder() {
        try (TestClient ann = client("1"); TestClient bob = client("2")) {
            ann.subscribe(Channel.presence("chat.order")).assertSucceeded();
            Subscription bobs = bob.subscribe(Channel.presence("chat.order"));
            assertEquals(List.of("1", "2"), bobs.members().stream().sorted().toList());
            assertEquals(2, bobs.assertSucceeded().path("presence").path("count").asInt());
            assertEquals(List.of("1", "2"), bobs.members().stream().sorted().toList());

            Subscription refused = ann.subscribe(Channel.presence("crowded.5"));
            assertEquals(4301, refused.assertFailed());
            refused.assertFailed(4301);
            fails(refused::assertSucceeded);
        }
    }

    @Test
    void membersFailsAsAssertSucceededDoes() {
        try (TestClient ann = client("1")) {
            AssertionFailedError byRoutes = fails(() -> ann.subscribe(Channel.presence("nobody.1")).members());
            assertStartsWith("Expected presence-nobody.1 to be joined, but the auth endpoint refused it with 403",
                    byRoutes.getMessage());
            assertEquals(List.of(), ann.subscribe(Channel.of("open.4")).members(), "not a presence channel: no members");
        }
    }
}
