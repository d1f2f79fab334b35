package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.core.config.Limits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link BroadcastHub#trigger}: the app's limits hold for the host application too, at and past each bound. */
class HubTriggerTest {

    @Test
    void eventNameOf200CharactersIsSentAnd201IsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = subscribed(fixture, "orders");
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e".repeat(200), "x", null));

            assertRefused(fixture, client, "Event name is longer than 200 characters (201)",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("orders"), "e".repeat(201), "x", null));
            assertRefused(fixture, client, "Event name is empty",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("orders"), "", "x", null));
        }
    }

    @Test
    void dataOf10240Utf8BytesIsSentAndOneMoreIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = subscribed(fixture, "orders");
            String atLimit = "é".repeat(5120); // two bytes each in UTF-8
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", atLimit, null));

            assertRefused(fixture, client, "Event data is larger than 10240 bytes (10241 bytes in UTF-8)",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", atLimit + "x", null));
        }
    }

    @Test
    void hundredChannelsAreSentAndHundredAndOneAreRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = subscribed(fixture, "c0");
            List<String> channels = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                channels.add("c" + i);
            }
            assertEquals(1, fixture.hub.trigger(Fixture.ID, channels, "e", "x", null));

            channels.add("c100");
            assertRefused(fixture, client, "Cannot trigger on more than 100 channels at once (101 given)",
                    () -> fixture.hub.trigger(Fixture.ID, channels, "e", "x", null));
            assertRefused(fixture, client, "No channel to trigger on",
                    () -> fixture.hub.trigger(Fixture.ID, List.of(), "e", "x", null));
        }
    }

    @Test
    void anInvalidChannelNameRefusesTheWholeTrigger() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = subscribed(fixture, "orders");

            assertRefused(fixture, client,
                    "Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found ' ' at 3): bad name",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("orders", "bad name"), "e", "x", null));
            assertRefused(fixture, client, "Channel name is longer than 200 characters: " + "c".repeat(201),
                    () -> fixture.hub.trigger(Fixture.ID, List.of("orders", "c".repeat(201)), "e", "x", null));
        }
    }

    @Test
    void serverToUserChannelsMayBeTriggered() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin("{\"id\":\"42\"}");
            client.subscribe("#server-to-user-42");

            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("#server-to-user-42"), "e", "x", null));
        }
    }

    @Test
    void limitsAreTheApps() {
        Limits d = Limits.DEFAULTS;
        Limits small = new Limits(d.maxMessageBytes(), 4, 3, 2, d.maxBatchSize(), d.maxPresenceMembers(),
                d.maxUserInfoBytes(), d.maxUserIdLength(), d.clientEventsPerSecond(), d.maxOutboundBytes(),
                d.apiTimestampWindow(), d.maxSubscriptionsPerConnection());
        try (Fixture fixture = Fixture.create(b -> b.limits(small))) {
            FixtureClient client = subscribed(fixture, "a");
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("a", "b"), "abc", "1234", null));

            assertRefused(fixture, client, "Event name is longer than 3 characters (4)",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("a"), "abcd", "1", null));
            assertRefused(fixture, client, "Event data is larger than 4 bytes (5 bytes in UTF-8)",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("a"), "e", "12345", null));
            assertRefused(fixture, client, "Cannot trigger on more than 2 channels at once (3 given)",
                    () -> fixture.hub.trigger(Fixture.ID, List.of("a", "b", "c"), "e", "1", null));
        }
    }

    @Test
    void aTriggerCountsOneMessageAndItsBytesPerConnectionReached() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient sender = subscribed(fixture, "orders");
            subscribed(fixture, "orders");
            subscribed(fixture, "orders");
            HubStats before = fixture.hub.stats();
            assertEquals(2, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "x", sender.socketId()));

            int frameBytes = "{\"event\":\"e\",\"channel\":\"orders\",\"data\":\"x\"}".length();
            HubStats after = fixture.hub.stats();
            assertEquals(before.messagesOut() + 2, after.messagesOut());
            assertEquals(before.bytesOut() + 2L * frameBytes, after.bytesOut());
        }
    }

    @Test
    void deliveriesCountTheSubscribersEachBroadcastReachedAndNoProtocolFrame() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient sender = subscribed(fixture, "orders");
            subscribed(fixture, "orders");
            subscribed(fixture, "orders");
            sender.send("{\"event\":\"pusher:ping\"}");
            HubStats before = fixture.hub.stats();
            assertEquals(0, before.deliveries(), "connection_established, subscription_succeeded and pong are not deliveries");

            assertEquals(3, fixture.hub.trigger(Fixture.ID, List.of("orders"), "e", "x", null));
            assertEquals(2, fixture.hub.trigger(Fixture.ID, List.of("orders", "empty"), "e", "x", sender.socketId()));

            HubStats after = fixture.hub.stats();
            assertEquals(5, after.deliveries());
            assertEquals(before.messagesOut() + 5, after.messagesOut());
        }
    }

    private static FixtureClient subscribed(Fixture fixture, String channel) {
        FixtureClient client = fixture.connect();
        client.subscribe(channel);
        return client;
    }

    /** The trigger throws with exactly {@code message}, and the subscriber was sent nothing. */
    private static void assertRefused(Fixture fixture, FixtureClient client, String message, Executable trigger) {
        int mark = client.mark();
        long out = fixture.hub.stats().messagesOut();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, trigger);
        assertEquals(message, e.getMessage());
        assertEquals(List.of(), client.since(mark));
        assertEquals(out, fixture.hub.stats().messagesOut());
    }
}
