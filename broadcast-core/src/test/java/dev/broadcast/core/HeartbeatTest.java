package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertError;
import static dev.broadcast.core.Wire.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness on the injected clock and scheduler: no test here sleeps. */
class HeartbeatTest {

    private static final String PING = "{\"event\":\"pusher:ping\",\"data\":{}}";

    @Test
    void silenceForTheActivityTimeoutGivesOnePingAndNoAnswerClosesWith4201() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("orders");
            int mark = client.mark();

            fixture.scheduler.advance(Duration.ofSeconds(119));
            assertEquals(List.of(), client.since(mark), "no ping before 120 s of silence");

            fixture.scheduler.advance(Duration.ofSeconds(1));
            List<JsonNode> ping = client.since(mark);
            assertEquals(1, ping.size(), ping::toString);
            assertJson(PING, ping.get(0));

            fixture.scheduler.advance(Duration.ofSeconds(29));
            assertEquals(1, client.since(mark).size(), "one ping, then wait for the pong timeout");
            assertTrue(client.isOpen());

            fixture.scheduler.advance(Duration.ofSeconds(1));
            List<JsonNode> after = client.since(mark);
            assertEquals(2, after.size(), after::toString);
            assertError(4201, after.get(1));
            assertFalse(client.isOpen());
            assertEquals(4201, client.transport.closeCode());
            assertEquals(Map.of(4201, 1L), fixture.hub.stats().closesByCode());
            assertEquals(0, fixture.hub.stats().subscriptions());
        }
    }

    @Test
    void aConnectionThatNeverSubscribesIsReapedTheSameWay() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient idle = fixture.connect();

            fixture.scheduler.advance(Duration.ofSeconds(120));
            assertJson(PING, idle.last());
            fixture.scheduler.advance(Duration.ofSeconds(30));

            assertFalse(idle.isOpen());
            assertEquals(List.of("pusher:connection_established", "pusher:ping", "pusher:error"), idle.transport.eventNames());
            assertError(4201, idle.last());
            assertEquals(4201, idle.transport.closeCode());
            assertEquals(0, fixture.hub.stats().connections());
        }
    }

    @Test
    void anyMessageResetsTheActivityTimer() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            fixture.scheduler.advance(Duration.ofSeconds(100));
            client.subscribe("orders");
            int mark = client.mark();

            fixture.scheduler.advance(Duration.ofSeconds(119));
            assertEquals(List.of(), client.since(mark), "120 s counted from the last message");
            fixture.scheduler.advance(Duration.ofSeconds(1));
            assertJson(PING, client.last());
        }
    }

    @Test
    void evenAMalformedMessageCountsAsActivity() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            fixture.scheduler.advance(Duration.ofSeconds(60));
            client.send("garbage");
            int mark = client.mark();
            fixture.scheduler.advance(Duration.ofSeconds(119));
            assertEquals(List.of(), client.since(mark));
        }
    }

    @Test
    void webSocketControlFramesCountAsActivity() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            int mark = client.mark();
            for (int i = 0; i < 10; i++) {
                fixture.scheduler.advance(Duration.ofSeconds(100));
                client.connection.touch();
            }
            assertEquals(List.of(), client.since(mark));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void answeringTheServerPingKeepsTheConnectionAndTheNextPingComesAfterAnotherSilence() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            fixture.scheduler.advance(Duration.ofSeconds(120));
            assertJson(PING, client.last());

            fixture.scheduler.advance(Duration.ofSeconds(29));
            assertEquals(List.of(), client.send("{\"event\":\"pusher:pong\",\"data\":{}}"));
            int mark = client.mark();

            fixture.scheduler.advance(Duration.ofSeconds(119));
            assertTrue(client.isOpen());
            assertEquals(List.of(), client.since(mark));
            fixture.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(1, client.since(mark).size());
            assertJson(PING, client.last());
        }
    }

    @Test
    void appTimeoutsAreUsed() {
        try (Fixture fixture = Fixture.create(b -> b.activityTimeout(Duration.ofSeconds(30)).pongTimeout(Duration.ofSeconds(5)))) {
            FixtureClient client = fixture.connect();
            fixture.scheduler.advance(Duration.ofSeconds(29));
            assertEquals(1, client.frames().size());
            fixture.scheduler.advance(Duration.ofSeconds(1));
            assertJson(PING, client.last());
            fixture.scheduler.advance(Duration.ofSeconds(4));
            assertTrue(client.isOpen());
            fixture.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(4201, client.transport.closeCode());
        }
    }

    @Test
    void reapedPresenceMemberIsRemovedForOthers() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient alive = fixture.connect();
            FixtureClient dead = fixture.connect();
            alive.subscribePresence("presence-room", "{\"user_id\":\"1\"}");
            dead.subscribePresence("presence-room", "{\"user_id\":\"2\"}");

            for (int i = 0; i < 3; i++) {
                fixture.scheduler.advance(Duration.ofSeconds(60));
                alive.connection.touch();
            }

            assertFalse(dead.isOpen());
            assertTrue(alive.isOpen());
            Wire.assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-room\"}",
                    "{\"user_id\":\"2\"}", alive.last());
        }
    }

    @Test
    void fiveHundredConnectionsShareOneScheduledTask() {
        try (Fixture fixture = Fixture.create()) {
            assertEquals(1, fixture.scheduler.tasks().size());
            List<FixtureClient> clients = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                FixtureClient client = fixture.connect();
                if (i % 2 == 0) {
                    client.subscribe("c" + (i % 7));
                }
                clients.add(client);
            }

            assertEquals(1, fixture.scheduler.tasks().size(), "no per-connection scheduled task");
            assertEquals(1, fixture.scheduler.periodicTaskCount());
            assertEquals(500, fixture.hub.stats().connections());

            fixture.scheduler.advance(Duration.ofSeconds(150));

            assertEquals(1, fixture.scheduler.tasks().size());
            assertEquals(0, fixture.hub.stats().connections());
            assertEquals(Map.of(4201, 500L), fixture.hub.stats().closesByCode());
            clients.forEach(c -> assertEquals(4201, c.transport.closeCode()));
        }
    }
}
