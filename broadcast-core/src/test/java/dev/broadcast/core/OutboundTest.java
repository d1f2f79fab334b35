package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-connection outbound queue as a transport sees it: one write in flight, in order. */
class OutboundTest {

    @Test
    void exactlyOneWriteIsInFlightAndFramesKeepTheirOrder() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            client.transport.stall();
            int mark = client.mark();

            for (int i = 0; i < 5; i++) {
                fixture.hub.trigger(Fixture.ID, List.of("c"), "e", Integer.toString(i), null);
            }

            assertEquals(1, client.since(mark).size(), "the next write waits for the previous completion");
            for (int i = 1; i < 5; i++) {
                client.transport.completeNext();
                assertEquals(i + 1, client.since(mark).size());
            }
            client.transport.completeNext();
            assertEquals(0, client.transport.pendingSends());
            assertEquals(List.of("0", "1", "2", "3", "4"),
                    client.since(mark).stream().map(f -> f.get("data").asText()).toList());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aSlowConnectionDoesNotHoldUpOthers() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient slow = fixture.connect();
            FixtureClient fast = fixture.connect();
            slow.subscribe("c");
            fast.subscribe("c");
            slow.transport.stall();
            int mark = fast.mark();

            for (int i = 0; i < 100; i++) {
                assertEquals(2, fixture.hub.trigger(Fixture.ID, List.of("c"), "e", "x", null));
            }

            assertEquals(100, fast.since(mark).size());
            assertTrue(slow.isOpen());
        }
    }

    @Test
    void failedWriteClosesTheConnectionAndReleasesItsSubscriptions() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            FixtureClient watcher = fixture.connect();
            client.subscribePresence("presence-r", "{\"user_id\":\"1\"}");
            watcher.subscribePresence("presence-r", "{\"user_id\":\"2\"}");
            client.transport.stall();
            fixture.hub.trigger(Fixture.ID, List.of("presence-r"), "e", "x", null);

            client.transport.failNext(new IOException("broken pipe"));

            assertFalse(client.isOpen());
            assertTrue(client.transport.closed());
            assertEquals(Map.of(4200, 1L), fixture.hub.stats().closesByCode());
            Wire.assertStringData("{\"event\":\"pusher_internal:member_removed\",\"channel\":\"presence-r\"}",
                    "{\"user_id\":\"1\"}", watcher.last());
            assertEquals(1, fixture.hub.stats().subscriptions());
        }
    }

    @Test
    void closingABackedUpConnectionClosesAtOnceWithoutWaitingForItsQueue() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            client.transport.stall();
            fixture.hub.trigger(Fixture.ID, List.of("c"), "e", "1", null);
            fixture.hub.trigger(Fixture.ID, List.of("c"), "e", "2", null);

            fixture.hub.close();

            assertEquals(4200, client.transport.closeCode());
            int handedOver = client.transport.count();
            client.transport.completeNext();
            assertEquals(handedOver, client.transport.count(), "nothing is written after the close");
        }
    }
}
