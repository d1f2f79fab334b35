package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ConnectRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {

    @Test
    void firstFrameIsConnectionEstablishedWithStringDataAndNothingElse() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();

            List<JsonNode> frames = client.frames();
            assertEquals(1, frames.size(), frames::toString);
            JsonNode frame = frames.get(0);
            assertEquals("pusher:connection_established", frame.get("event").asText());
            assertEquals(Set.of("event", "data"), fieldNames(frame));
            JsonNode data = Wire.data(frame);
            assertEquals(Set.of("socket_id", "activity_timeout"), fieldNames(data));
            assertTrue(data.get("socket_id").isTextual());
            assertTrue(data.get("socket_id").asText().matches("^\\d+\\.\\d+$"), data.toString());
            assertEquals(120, data.get("activity_timeout").intValue());
            assertTrue(data.get("activity_timeout").isInt());
            assertEquals(data.get("socket_id").asText(), client.connection.socketId());
            assertTrue(client.isOpen());
            assertFalse(client.transport.closed());
        }
    }

    @Test
    void activityTimeoutAdvertisedIsTheAppsInSeconds() {
        try (Fixture fixture = Fixture.create(b -> b.activityTimeout(Duration.ofSeconds(30)))) {
            assertEquals(30, Wire.data(fixture.connect().frames().get(0)).get("activity_timeout").intValue());
        }
    }

    @Test
    void socketIdsAreUniquePerConnection() {
        try (Fixture fixture = Fixture.create()) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                ids.add(fixture.connect().socketId());
            }
            assertEquals(200, ids.size());
            assertEquals(200, fixture.hub.stats().connections());
        }
    }

    @Test
    void unknownAppKeyGetsError4001ThenClose4001() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect(new ConnectRequest("no-such-key", "7", null));
            assertRejected(client, 4001);
            assertEquals(0, fixture.hub.stats().connections());
            assertEquals(1L, fixture.hub.stats().closesByCode().get(4001));
        }
    }

    @Test
    void nonIntegerProtocolGets4006() {
        try (Fixture fixture = Fixture.create()) {
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "abc", null)), 4006);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "4", "8"})
    void unsupportedProtocolVersionGets4007(String version) {
        try (Fixture fixture = Fixture.create()) {
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, version, null)), 4007);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "6", "7"})
    void protocolVersionsFiveToSevenAreAccepted(String version) {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect(new ConnectRequest(Fixture.KEY, version, null));
            assertTrue(client.isOpen());
            assertEquals("pusher:connection_established", client.frames().get(0).get("event").asText());
        }
    }

    @Test
    void missingProtocolIsAccepted() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect(new ConnectRequest(Fixture.KEY, null, null));
            assertTrue(client.isOpen());
            assertEquals(List.of("pusher:connection_established"), client.transport.eventNames());
        }
    }

    @Test
    void exactAllowedOriginIsAcceptedAndAnyOtherGets4009() {
        try (Fixture fixture = Fixture.create(b -> b.allowedOrigins(List.of("https://app.example.com")))) {
            assertTrue(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://app.example.com")).isOpen());
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://evil.example")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "http://app.example.com")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://other.example.com")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", null)), 4009);
            assertEquals(1, fixture.hub.stats().connections());
            assertEquals(4L, fixture.hub.stats().closesByCode().get(4009));
        }
    }

    @Test
    void wildcardOriginMatchesSubdomainsOnly() {
        try (Fixture fixture = Fixture.create(b -> b.allowedOrigins(List.of("*.example.com")))) {
            assertTrue(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://app.example.com")).isOpen());
            assertTrue(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "http://a.b.example.com:8080")).isOpen());
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://example.com.evil.net")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://evilexample.com")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://example.org")), 4009);
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "null")), 4009);
        }
    }

    @Test
    void anyOriginAllowedByDefaultEvenWithoutOriginHeader() {
        try (Fixture fixture = Fixture.create()) {
            assertTrue(fixture.connect(new ConnectRequest(Fixture.KEY, "7", "https://anything.example")).isOpen());
            assertTrue(fixture.connect(new ConnectRequest(Fixture.KEY, "7", null)).isOpen());
        }
    }

    @Test
    void hubCloseClosesEveryConnectionWith4200AndRefusesNewOnes() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient a = fixture.connect();
            FixtureClient b = fixture.connect();
            b.subscribe("orders");

            fixture.hub.close();

            for (FixtureClient client : List.of(a, b)) {
                assertFalse(client.isOpen());
                Wire.assertError(4200, client.last());
                assertEquals(4200, client.transport.closeCode());
            }
            assertEquals(0, fixture.hub.stats().connections());
            assertEquals(0, fixture.hub.stats().channels());
            assertEquals(2L, fixture.hub.stats().closesByCode().get(4200));
            assertEquals(0, fixture.scheduler.periodicTaskCount(), "heartbeat stopped");
            assertRejected(fixture.connect(new ConnectRequest(Fixture.KEY, "7", null)), 4200);
            fixture.hub.close(); // idempotent
            assertEquals(1, a.transport.closeCalls());
        }
    }

    @Test
    void clientSideCloseReleasesTheConnectionWithoutACloseCall() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("orders");
            int frames = client.mark();

            client.connection.closed();
            client.connection.closed(); // idempotent

            assertFalse(client.isOpen());
            assertFalse(client.transport.closed(), "the transport is already gone; the engine must not close it");
            assertEquals(frames, client.mark());
            assertEquals(0, fixture.hub.stats().connections());
            assertEquals(0, fixture.hub.stats().subscriptions());
            assertEquals(Set.of(), fixture.hub.stats().closesByCode().keySet());
            assertEquals(0, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "{}", null));
        }
    }

    /** A rejected handshake: exactly {@code pusher:error} with the code, then a close with the same code. */
    static void assertRejected(FixtureClient client, int code) {
        assertFalse(client.isOpen());
        List<JsonNode> frames = client.frames();
        assertEquals(1, frames.size(), frames::toString);
        Wire.assertError(code, frames.get(0));
        assertEquals(code, client.transport.closeCode());
        assertNotEquals(null, client.transport.closeReason());
        client.connection.receive(Wire.message("pusher:ping", Wire.map()));
        assertEquals(1, client.frames().size(), "a rejected connection ignores input");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
