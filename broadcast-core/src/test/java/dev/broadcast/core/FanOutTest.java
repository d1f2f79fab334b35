package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutTest {

    @Test
    void aBroadcastIsEncodedOnceAndTheSameTextGoesToEverySubscriber() {
        try (Fixture fixture = Fixture.create()) {
            List<FixtureClient> clients = List.of(fixture.connect(), fixture.connect(), fixture.connect());
            clients.forEach(c -> c.subscribe("orders"));
            int reached = fixture.hub.trigger(Fixture.ID, List.of("orders"), "order.shipped", "{\"id\":7}", null);
            assertEquals(3, reached);
            String first = last(clients.get(0));
            assertEquals("{\"event\":\"order.shipped\",\"channel\":\"orders\",\"data\":\"{\\\"id\\\":7}\"}", first);
            for (FixtureClient client : clients) {
                assertSame(first, last(client), "one String instance shared, not one encode per subscriber");
            }
        }
    }

    @Test
    void eachChannelOfATriggerGetsItsOwnFrameSharedByItsSubscribers() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient a1 = fixture.connect();
            FixtureClient a2 = fixture.connect();
            FixtureClient b = fixture.connect();
            a1.subscribe("a");
            a2.subscribe("a");
            b.subscribe("b");
            fixture.hub.trigger(Fixture.ID, List.of("a", "b"), "e", "x", a2.socketId());
            assertEquals("{\"event\":\"e\",\"channel\":\"a\",\"data\":\"x\"}", last(a1));
            assertEquals("{\"event\":\"e\",\"channel\":\"b\",\"data\":\"x\"}", last(b));
            assertEquals("pusher_internal:subscription_succeeded", a2.last().path("event").asText(), "a2 was excluded");
        }
    }

    private static String last(FixtureClient client) {
        List<String> raw = client.transport.rawFrames();
        return raw.get(raw.size() - 1);
    }
}
