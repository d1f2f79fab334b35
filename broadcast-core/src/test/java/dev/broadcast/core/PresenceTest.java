package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertStringData;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ApiResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceTest {

    private static final String ROOM = "presence-room";
    private static final String ANN = "{\"user_id\":\"1\",\"user_info\":{\"name\":\"Ann\"}}";
    private static final String BOB = "{\"user_id\":\"2\",\"user_info\":{\"name\":\"Bob\"}}";

    @Test
    void joinerGetsAllMembersAndOthersGetMemberAddedButNeverTheJoiner() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient ann = fixture.connect();
            FixtureClient bob = fixture.connect();
            ann.subscribePresence(ROOM, ANN);
            int annMark = ann.mark();

            List<JsonNode> reply = bob.subscribePresence(ROOM, BOB);

            assertEquals(1, reply.size(), "the joiner gets no member_added of its own: " + reply);
            assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"1\",\"2\"],\"hash\":{\"1\":{\"name\":\"Ann\"},\"2\":{\"name\":\"Bob\"}},\"count\":2}}",
                    reply.get(0));
            List<JsonNode> toAnn = ann.since(annMark);
            assertEquals(1, toAnn.size(), toAnn::toString);
            assertStringData("{\"event\":\"pusher_internal:member_added\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"2\",\"user_info\":{\"name\":\"Bob\"}}", toAnn.get(0));
        }
    }

    @Test
    void memberWithoutUserInfoHasNullInHash() {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribePresence(ROOM, "{\"user_id\":\"9\"}");
            assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"9\"],\"hash\":{\"9\":null},\"count\":1}}", reply.get(0));
        }
    }

    @Test
    void secondConnectionOfSameUserAddsNoMember() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence(ROOM, BOB);
            FixtureClient tab1 = fixture.connect();
            FixtureClient tab2 = fixture.connect();
            int mark = watcher.mark();

            tab1.subscribePresence(ROOM, ANN);
            int tab1Mark = tab1.mark();
            List<JsonNode> reply = tab2.subscribePresence(ROOM, ANN);

            assertEquals(1, watcher.since(mark).size(), "one member_added for two tabs: " + watcher.since(mark));
            assertEquals(List.of(), tab1.since(tab1Mark), "no member_added to the user's other tab");
            assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"2\",\"1\"],\"hash\":{\"2\":{\"name\":\"Bob\"},\"1\":{\"name\":\"Ann\"}},\"count\":2}}",
                    reply.get(0));
            assertEquals(3, fixture.hub.stats().subscriptions());
        }
    }

    @Test
    void presenceMemberRemovedOnlyWhenLastConnectionLeavesByUnsubscribe() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence(ROOM, BOB);
            FixtureClient tab1 = fixture.connect();
            FixtureClient tab2 = fixture.connect();
            tab1.subscribePresence(ROOM, ANN);
            tab2.subscribePresence(ROOM, ANN);
            int mark = watcher.mark();
            int tab2Mark = tab2.mark();

            tab1.unsubscribe(ROOM);
            assertEquals(List.of(), watcher.since(mark), "Ann still has a connection");
            assertEquals(List.of(), tab2.since(tab2Mark));

            tab2.unsubscribe(ROOM);
            List<JsonNode> removed = watcher.since(mark);
            assertEquals(1, removed.size(), removed::toString);
            assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"1\"}", removed.get(0));
            assertUsers(fixture, "{\"users\":[{\"id\":\"2\"}]}");
        }
    }

    @Test
    void presenceMemberRemovedOnlyWhenLastConnectionLeavesByClose() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence(ROOM, BOB);
            FixtureClient tab1 = fixture.connect();
            FixtureClient tab2 = fixture.connect();
            tab1.subscribePresence(ROOM, ANN);
            tab2.subscribePresence(ROOM, ANN);
            int mark = watcher.mark();

            tab1.connection.closed();
            assertEquals(List.of(), watcher.since(mark));
            assertUsers(fixture, "{\"users\":[{\"id\":\"2\"},{\"id\":\"1\"}]}");

            tab2.connection.closed();
            List<JsonNode> removed = watcher.since(mark);
            assertEquals(1, removed.size(), removed::toString);
            assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"1\"}", removed.get(0));
        }
    }

    @Test
    void userIdsAreComparedAsStrings() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence(ROOM, BOB);
            FixtureClient numeric = fixture.connect();
            FixtureClient string = fixture.connect();
            int mark = watcher.mark();

            List<JsonNode> first = numeric.subscribePresence(ROOM, "{\"user_id\":1}");
            List<JsonNode> second = string.subscribePresence(ROOM, "{\"user_id\":\"1\"}");

            assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"2\",\"1\"],\"hash\":{\"2\":{\"name\":\"Bob\"},\"1\":null},\"count\":2}}",
                    first.get(0));
            assertEquals(first.get(0), second.get(0));
            List<JsonNode> added = watcher.since(mark);
            assertEquals(1, added.size(), added::toString);
            assertStringData("{\"event\":\"pusher_internal:member_added\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"1\"}", added.get(0));

            numeric.connection.closed();
            assertEquals(1, watcher.since(mark).size(), "the string-id connection still holds member 1");
            string.connection.closed();
            assertEquals(2, watcher.since(mark).size());
            assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"1\"}", watcher.last());
        }
    }

    @Test
    void resubscribingAsAnotherUserOnTheSameConnectionLeavesNoGhostMember() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence(ROOM, "{\"user_id\":\"w\"}");
            FixtureClient client = fixture.connect();
            client.subscribePresence(ROOM, ANN);
            client.subscribePresence(ROOM, BOB); // already subscribed: changes nothing
            int mark = watcher.mark();

            client.unsubscribe(ROOM);

            List<JsonNode> removed = watcher.since(mark);
            assertEquals(1, removed.size(), removed::toString);
            assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"1\"}", removed.get(0));
            assertUsers(fixture, "{\"users\":[{\"id\":\"w\"}]}");
        }
    }

    @Test
    void channelDataMustBeAnObjectWithUserId() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            for (String channelData : List.of("{}", "[1]", "\"x\"", "{\"user_id\":\"\"}", "{\"user_id\":{}}",
                    "{\"user_id\":1.5}", "{\"user_id\":null}", "not json")) {
                List<JsonNode> reply = client.subscribePresence(ROOM, channelData);
                assertEquals(1, reply.size(), reply::toString);
                assertEquals("pusher:subscription_error", reply.get(0).get("event").asText(), channelData);
                assertEquals(ROOM, reply.get(0).get("channel").asText());
            }
            assertEquals(0, fixture.hub.stats().subscriptions());
        }
    }

    private static void assertUsers(Fixture fixture, String expected) {
        ApiResponse response = fixture.api(ApiCall.get("/apps/3/channels/" + ROOM + "/users"));
        assertEquals(200, response.status(), response.body());
        Wire.assertJson(expected, Wire.parse(response.body()));
    }
}
