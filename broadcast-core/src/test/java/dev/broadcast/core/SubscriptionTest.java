package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertJson;
import static dev.broadcast.core.Wire.assertSubscriptionError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionTest {

    @Test
    void publicSubscribeSucceedsWithDataEmptyObjectString() {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribe("orders");

            assertEquals(1, reply.size(), reply::toString);
            assertJson("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"orders\",\"data\":\"{}\"}",
                    reply.get(0));
            assertEquals(1, fixture.hub.stats().channels());
            assertEquals(1, fixture.hub.stats().subscriptions());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"private-orders.1", "private-encrypted-vault.1", "private-cache-x"})
    void privateAndEncryptedSubscribeWithCorrectSignatureSucceed(String channel) {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribe(channel);

            assertJson("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"" + channel
                    + "\",\"data\":\"{}\"}", reply.get(0));
        }
    }

    @Test
    void presenceSubscribeSucceedsWithPresenceDataString() {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribePresence("presence-room",
                    "{\"user_id\":\"7\",\"user_info\":{\"name\":\"Ann\"}}");

            assertEquals(1, reply.size(), reply::toString);
            Wire.assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"7\"],\"hash\":{\"7\":{\"name\":\"Ann\"}},\"count\":1}}", reply.get(0));
        }
    }

    @Test
    void dataSentAsJsonStringIsAcceptedForSubscribe() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String data = Wire.write(Wire.map("auth", client.auth("private-a"), "channel", "private-a"));

            List<JsonNode> reply = client.send(Wire.message("pusher:subscribe", data));

            assertJson("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"private-a\",\"data\":\"{}\"}",
                    reply.get(0));
        }
    }

    @Test
    void wrongSignatureGivesAuthErrorWithChannelAndDoesNotSubscribe() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String wrong = Fixture.KEY + ":" + Crypto.hmacHex("not-the-secret", client.socketId() + ":private-a");

            assertRefused(fixture, client, "private-a", wrong, null);
        }
    }

    @Test
    void missingOrEmptyAuthIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send(Wire.message("pusher:subscribe", Wire.map("channel", "private-a")));
            assertEquals(1, reply.size(), reply::toString);
            assertSubscriptionError("private-a", "AuthError", 401, reply.get(0));
            assertRefused(fixture, client, "private-a", "", null);
        }
    }

    @Test
    void anotherAppsKeyPrefixWithCorrectHmacIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String hmac = Crypto.hmacHex(Fixture.SECRET, client.socketId() + ":private-a");

            assertRefused(fixture, client, "private-a", "someotherappkey:" + hmac, null);
            assertRefused(fixture, client, "private-a", hmac, null);
            assertRefused(fixture, client, "private-a", ":" + hmac, null);
        }
    }

    @Test
    void signatureForAnotherSocketIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient victim = fixture.connect();
            FixtureClient attacker = fixture.connect();

            assertRefused(fixture, attacker, "private-a", victim.auth("private-a"), null);
        }
    }

    @Test
    void signatureForAnotherChannelIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();

            assertRefused(fixture, client, "private-a", client.auth("private-b"), null);
            assertRefused(fixture, client, "private-encrypted-a", client.auth("private-a"), null);
        }
    }

    @Test
    void presenceWithAlteredChannelDataIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String signed = "{\"user_id\":\"1\"}";
            String auth = client.presenceAuth("presence-room", signed);

            assertRefused(fixture, client, "presence-room", auth, "{\"user_id\":\"2\"}");
            assertRefused(fixture, client, "presence-room", auth, "{\"user_id\": \"1\"}");
            assertRefused(fixture, client, "presence-room", client.auth("presence-room"), signed);
        }
    }

    @Test
    void presenceWithPrivateStyleSignatureAndNoChannelDataIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();

            List<JsonNode> reply = client.subscribeWith("presence-room", client.auth("presence-room"), null);

            assertEquals(1, reply.size(), reply::toString);
            assertSubscriptionError("presence-room", "AuthError", 401, reply.get(0));
            assertEquals(0, fixture.hub.stats().subscriptions());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a*", "a?", "a{b}", "a:b", "a\nb", "a/b", ""})
    void invalidChannelNamesAreRefused(String channel) {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribe(channel);

            assertEquals(1, reply.size(), reply::toString);
            assertEquals("pusher:subscription_error", reply.get(0).get("event").asText());
            assertEquals(channel, reply.get(0).get("channel").asText());
            assertEquals(0, fixture.hub.stats().channels());
        }
    }

    @Test
    void subscribeWithoutChannelGetsErrorAndConnectionStaysOpen() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.send(Wire.message("pusher:subscribe", Wire.map("auth", "")));
            assertEquals(1, reply.size(), reply::toString);
            Wire.assertError(null, reply.get(0));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void reservedHashChannelsAreRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.subscribe("#server-to-user-42");
            assertSubscriptionError("#server-to-user-42", "AuthError", 403, reply.get(0));
            reply = client.subscribe("#other");
            assertEquals("pusher:subscription_error", reply.get(0).get("event").asText());
            assertEquals(0, fixture.hub.stats().subscriptions());
        }
    }

    @Test
    void eventsReachSubscribersUntilTheyUnsubscribeAndUnsubscribeHasNoReply() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("orders");
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "1", null));
            assertJson("{\"event\":\"e\",\"channel\":\"orders\",\"data\":\"1\"}", client.last());

            assertEquals(List.of(), client.unsubscribe("orders"));
            assertEquals(List.of(), client.unsubscribe("never-subscribed"));
            int mark = client.mark();
            assertEquals(0, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "2", null));
            assertEquals(List.of(), client.since(mark));
            assertEquals(0, fixture.hub.stats().channels());
        }
    }

    @Test
    void subscribingTwiceKeepsOneSubscription() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("orders");
            client.subscribe("orders");
            assertEquals(1, fixture.hub.stats().subscriptions());
            int mark = client.mark();
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "1", null));
            assertEquals(1, client.since(mark).size());
        }
    }

    /** The subscribe is answered with exactly one AuthError 401 for the channel and changes nothing. */
    private static void assertRefused(Fixture fixture, FixtureClient client, String channel, String auth, String channelData) {
        int subscriptions = fixture.hub.stats().subscriptions();
        List<JsonNode> reply = client.subscribeWith(channel, auth, channelData);
        assertEquals(1, reply.size(), reply::toString);
        assertSubscriptionError(channel, "AuthError", 401, reply.get(0));
        assertTrue(client.isOpen(), "a refused subscription does not close the connection");
        assertEquals(subscriptions, fixture.hub.stats().subscriptions());
        int mark = client.mark();
        assertEquals(0, fixture.hub.trigger(Fixture.ID, List.of(channel), "e", "x", null));
        assertEquals(List.of(), client.since(mark), "not subscribed");
    }
}
