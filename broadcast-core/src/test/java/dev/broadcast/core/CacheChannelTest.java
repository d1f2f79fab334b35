package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheChannelTest {

    @Test
    void emptyCacheChannelGivesCacheMissAfterSubscriptionSucceeded() {
        try (Fixture fixture = Fixture.create()) {
            List<JsonNode> reply = fixture.connect().subscribe("cache-prices");

            assertEquals(2, reply.size(), reply::toString);
            assertJson("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"cache-prices\",\"data\":\"{}\"}",
                    reply.get(0));
            assertJson("{\"event\":\"pusher:cache_miss\",\"channel\":\"cache-prices\"}", reply.get(1));
        }
    }

    @Test
    void lastEventTriggeredWhileNobodyWasSubscribedReachesALaterSubscriber() {
        try (Fixture fixture = Fixture.create()) {
            assertEquals(200, fixture.triggerApi("name", "price", "channel", "cache-prices", "data", "{\"p\":1}").status());
            assertEquals(200, fixture.triggerApi("name", "price", "channel", "cache-prices", "data", "{\"p\":2}").status());
            assertEquals(0, fixture.hub.stats().channels());

            List<JsonNode> reply = fixture.connect().subscribe("cache-prices");

            assertEquals(2, reply.size(), reply::toString);
            assertEquals("pusher_internal:subscription_succeeded", reply.get(0).get("event").asText());
            assertJson("{\"event\":\"price\",\"channel\":\"cache-prices\",\"data\":\"{\\\"p\\\":2}\"}", reply.get(1));
        }
    }

    @Test
    void privateAndPresenceCacheChannelsAlsoReplay() {
        try (Fixture fixture = Fixture.create()) {
            fixture.hub.trigger(Fixture.ID, List.of("private-cache-a", "presence-cache-b"), "ev", "d", null);
            FixtureClient client = fixture.connect();

            assertJson("{\"event\":\"ev\",\"channel\":\"private-cache-a\",\"data\":\"d\"}",
                    client.subscribe("private-cache-a").get(1));
            assertJson("{\"event\":\"ev\",\"channel\":\"presence-cache-b\",\"data\":\"d\"}",
                    client.subscribePresence("presence-cache-b", "{\"user_id\":\"1\"}").get(1));
        }
    }

    @Test
    void ordinaryChannelsKeepNothing() {
        try (Fixture fixture = Fixture.create()) {
            fixture.hub.trigger(Fixture.ID, List.of("prices"), "ev", "d", null);
            assertEquals(1, fixture.connect().subscribe("prices").size());
        }
    }

    @Test
    void cachedEventExpiresAfterThirtyMinutes() {
        try (Fixture fixture = Fixture.create()) {
            fixture.hub.trigger(Fixture.ID, List.of("cache-prices"), "ev", "d", null);
            fixture.clock.advance(Duration.ofMinutes(30).minusMillis(1));
            assertEquals("ev", fixture.connect().subscribe("cache-prices").get(1).get("event").asText());
            fixture.clock.advance(Duration.ofMillis(1));
            assertEquals("pusher:cache_miss", fixture.connect().subscribe("cache-prices").get(1).get("event").asText());
        }
    }
}
