package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertError;
import static dev.broadcast.core.Wire.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol messages that are not subscriptions: ping, unknown events, malformed input. */
class MessagesTest {

    @Test
    void pingIsAnsweredWithPong() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            for (String ping : List.of("{\"event\":\"pusher:ping\",\"data\":{}}", "{\"event\":\"pusher:ping\"}",
                    "{\"event\":\"pusher:ping\",\"data\":\"junk\"}", "{\"event\":\"pusher:ping\",\"data\":[1]}")) {
                List<JsonNode> reply = client.send(ping);
                assertEquals(1, reply.size(), reply::toString);
                assertJson("{\"event\":\"pusher:pong\",\"data\":{}}", reply.get(0));
            }
        }
    }

    @Test
    void pongFromClientIsSilentlyAccepted() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            assertEquals(List.of(), client.send("{\"event\":\"pusher:pong\",\"data\":{}}"));
            assertTrue(client.isOpen());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pusher:nonsense", "pusher_internal:subscription_succeeded", "pusher:connection_established",
            "whatever"})
    void unknownEventGetsErrorAndConnectionStaysOpen(String event) {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send(Wire.message(event, Wire.map()));
            assertEquals(1, reply.size(), reply::toString);
            assertError(null, reply.get(0));
            assertStillWorks(client);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "",
        "   ",
        "[]",
        "[{\"event\":\"pusher:ping\"}]",
        "42",
        "\"pusher:ping\"",
        "null",
        "{}",
        "{\"data\":{}}",
        "{\"event\":42}",
        "{\"event\":null}",
        "{\"event\":{\"a\":1}}",
        "{\"event\":\"pusher:ping\"} trailing",
        "{\"event\":\"pusher:ping\"}{\"event\":\"pusher:ping\"}",
        "{\"event\":\"pusher:ping\",\"event\":\"pusher:ping\"}",
        "{\"event\":\"pusher:ping\",\"data\":{\"a\":1,\"a\":2}}",
        "{\"event\":\"pusher:ping\"",
        "\uFEFF{\"event\":\"pusher:ping\"}",
    })
    void malformedMessageGetsErrorAndConnectionStaysOpen(String text) {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send(text);
            assertEquals(1, reply.size(), () -> text + " -> " + reply);
            assertError(null, reply.get(0));
            assertStillWorks(client);
        }
    }

    @Test
    void fortyDeepNestingGetsErrorAndConnectionStaysOpen() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String nested = "[".repeat(40) + "]".repeat(40);
            List<JsonNode> reply = client.send("{\"event\":\"pusher:ping\",\"data\":" + nested + "}");
            assertEquals(1, reply.size(), reply::toString);
            assertError(null, reply.get(0));

            String deepChannelData = "{\"user_id\":\"1\",\"user_info\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}";
            reply = client.subscribePresence("presence-room", deepChannelData);
            assertEquals(1, reply.size(), reply::toString);
            assertEquals("pusher:subscription_error", reply.get(0).get("event").asText());
            assertEquals(0, fixture.hub.stats().subscriptions());
            assertStillWorks(client);
        }
    }

    @Test
    void hugeNumberGetsErrorAndConnectionStaysOpen() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send("{\"event\":\"pusher:ping\",\"data\":" + "9".repeat(1001) + "}");
            assertEquals(1, reply.size(), reply::toString);
            assertError(null, reply.get(0));
            assertStillWorks(client);
        }
    }

    @Test
    void unsubscribeWithoutChannelGetsErrorAndConnectionStaysOpen() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send("{\"event\":\"pusher:unsubscribe\",\"data\":{}}");
            assertEquals(1, reply.size(), reply::toString);
            assertError(null, reply.get(0));
            assertStillWorks(client);
        }
    }

    @Test
    void messagesInAreCounted() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            long before = fixture.hub.stats().messagesIn();
            client.send("{\"event\":\"pusher:ping\"}");
            client.send("junk");
            assertEquals(before + 2, fixture.hub.stats().messagesIn());
        }
    }

    @Test
    void bytesInCountTheUtf8BytesOfEveryFrameReceived() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            long before = fixture.hub.stats().bytesIn();
            client.send("{\"event\":\"pusher:ping\",\"data\":{\"note\":\"caf\u00e9 \u20ac \ud83d\ude00\"}}");
            client.send("junk");
            // 51 chars, 56 bytes: the e-acute takes 2, the euro sign 3 and the emoji (2 chars) 4
            assertEquals(before + 56 + 4, fixture.hub.stats().bytesIn());
        }
    }

    private static void assertStillWorks(FixtureClient client) {
        assertTrue(client.isOpen());
        assertTrue(!client.transport.closed());
        List<JsonNode> pong = client.send("{\"event\":\"pusher:ping\",\"data\":{}}");
        assertJson("{\"event\":\"pusher:pong\",\"data\":{}}", pong.get(0));
        assertEquals("pusher_internal:subscription_succeeded", client.subscribe("control").get(0).get("event").asText());
    }
}
