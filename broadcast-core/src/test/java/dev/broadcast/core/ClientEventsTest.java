package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertError;
import static dev.broadcast.core.Wire.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientEventsTest {

    @Test
    void clientEventReachesOtherSubscribersAndIsNeverEchoedToTheSender() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            FixtureClient elsewhere = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            elsewhere.subscribe("private-other");
            int otherMark = other.mark();
            int elsewhereMark = elsewhere.mark();

            List<JsonNode> toSender = sender.clientEvent("client-typing", "private-chat", "{\"who\":\"me\",\"n\":[1,2]}");

            assertEquals(List.of(), toSender, "no echo and no reply to the sender");
            List<JsonNode> received = other.since(otherMark);
            assertEquals(1, received.size(), received::toString);
            assertJson("{\"event\":\"client-typing\",\"channel\":\"private-chat\",\"data\":{\"who\":\"me\",\"n\":[1,2]}}",
                    received.get(0));
            assertEquals(List.of(), elsewhere.since(elsewhereMark));
        }
    }

    @Test
    void refusedWith4301WhenTheAppHasClientEventsOff() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            int mark = other.mark();

            List<JsonNode> reply = sender.clientEvent("client-typing", "private-chat", "{}");

            assertEquals(1, reply.size(), reply::toString);
            assertError(4301, reply.get(0));
            assertEquals(List.of(), other.since(mark));
            assertTrue(sender.isOpen());
        }
    }

    @Test
    void refusedOnPublicAndEncryptedChannels() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            for (String channel : List.of("public-chat", "private-encrypted-chat")) {
                sender.subscribe(channel);
                other.subscribe(channel);
                int mark = other.mark();

                List<JsonNode> reply = sender.clientEvent("client-typing", channel, "{}");

                assertEquals(1, reply.size(), reply::toString);
                assertError(4301, reply.get(0));
                assertEquals(List.of(), other.since(mark), channel);
            }
            assertTrue(sender.isOpen());
        }
    }

    @Test
    void refusedWhenTheSenderIsNotSubscribed() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            other.subscribe("private-chat");
            int mark = other.mark();

            List<JsonNode> reply = sender.clientEvent("client-typing", "private-chat", "{}");
            List<JsonNode> noChannel = sender.send("{\"event\":\"client-typing\",\"data\":{}}");

            assertEquals(1, reply.size(), reply::toString);
            assertError(4301, reply.get(0));
            assertError(4301, noChannel.get(0));
            assertEquals(List.of(), other.since(mark));
            assertTrue(sender.isOpen());
        }
    }

    @Test
    void forgedInternalEventsFromClientsAreRejected() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribePresence("presence-room", "{\"user_id\":\"1\"}");
            other.subscribePresence("presence-room", "{\"user_id\":\"2\"}");
            int mark = other.mark();

            for (String event : List.of("pusher_internal:member_added", "typing", "pusher:member_added")) {
                List<JsonNode> reply = sender.clientEvent(event, "presence-room", "\"{\\\"user_id\\\":\\\"666\\\"}\"");
                assertEquals(1, reply.size(), reply::toString);
                assertEquals("pusher:error", reply.get(0).get("event").asText(), event);
            }
            assertEquals(List.of(), other.since(mark));
            assertTrue(sender.isOpen());
        }
    }

    @Test
    void presenceClientEventCarriesTheServerKnownUserIdAndIgnoresAForgedOne() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribePresence("presence-room", "{\"user_id\":\"1\"}");
            other.subscribePresence("presence-room", "{\"user_id\":\"2\"}");
            int mark = other.mark();

            sender.send("{\"event\":\"client-typing\",\"channel\":\"presence-room\",\"data\":{\"a\":1},\"user_id\":\"2\"}");

            List<JsonNode> received = other.since(mark);
            assertEquals(1, received.size(), received::toString);
            assertJson("{\"event\":\"client-typing\",\"channel\":\"presence-room\",\"data\":{\"a\":1},\"user_id\":\"1\"}",
                    received.get(0));
        }
    }

    @Test
    void privateClientEventHasNoUserIdEvenWhenTheSenderForgesOne() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            int mark = other.mark();

            sender.send("{\"event\":\"client-x\",\"channel\":\"private-chat\",\"data\":\"s\",\"user_id\":\"9\",\"extra\":1}");

            assertJson("{\"event\":\"client-x\",\"channel\":\"private-chat\",\"data\":\"s\"}", other.since(mark).get(0));
        }
    }

    /**
     * D4: {@code data} is relayed as the client wrote it. Parsed and written again, {@code 1e999999}
     * became {@code Infinity}, {@code 12345678901234567890.5} lost digits, {@code 1E2} became
     * {@code 100.0}, {@code 1e-400} became {@code 0.0} and a lone surrogate {@code "?"}.
     */
    @Test
    void dataIsRelayedByteForByte() {
        List<String> values = List.of("1e999999", "12345678901234567890.5", "1E2", "1e-400", "-0", "\"\\ud800\"",
                "\"a\\u0041\\/b\"", "{ \"n\" : 1.50 , \"s\":[ true,null ,\"x\\\"y\"] }", "[]", "false", "\"\"");
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            for (String value : values) {
                fixture.clock.advance(java.time.Duration.ofSeconds(1)); // within the 10 per second
                int mark = other.transport.rawFrames().size();

                sender.send("{\"event\":\"client-v\",\"data\": " + value + " ,\"channel\":\"private-chat\"}");

                List<String> received = other.transport.rawFrames().subList(mark, other.transport.rawFrames().size());
                assertEquals(List.of("{\"event\":\"client-v\",\"channel\":\"private-chat\",\"data\":" + value + "}"),
                        received, value);
            }
        }
    }
}
