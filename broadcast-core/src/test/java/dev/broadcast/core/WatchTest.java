package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.watch.Activity;
import dev.broadcast.core.watch.Activity.Kind;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link BroadcastHub#watch}: what happens in an app, in order, until the watch is closed. */
class WatchTest {

    @Test
    void aWatcherSeesConnectionsSubscriptionsEventsAndRefusalsInOrder() throws Exception {
        try (Fixture fixture = Fixture.create(app -> app.clientEvents(true))) {
            List<Activity> seen = new CopyOnWriteArrayList<>();
            AutoCloseable watch = fixture.hub.watch(Fixture.ID, seen::add);
            FixtureClient client = fixture.connect();
            client.subscribe("news");
            client.subscribe("private-room");
            fixture.hub.trigger(Fixture.ID, List.of("news"), "tick", "{\"n\":1}", null);
            client.clientEvent("client-typing", "private-room", "{\"who\":\"me\"}");
            client.subscribeWith("private-other", Fixture.KEY + ":bad", null);
            client.unsubscribe("news");
            fixture.hub.trigger(Fixture.ID, List.of("news"), "x".repeat(10), "d".repeat(Activity.MAX_DETAIL + 5), null);
            fixture.hub.trigger(Fixture.ID, List.of("news"), "y", "e".repeat(Activity.MAX_DETAIL), null);

            assertEquals(List.of(Kind.CONNECTED, Kind.SUBSCRIBED, Kind.SUBSCRIBED, Kind.EVENT, Kind.CLIENT_EVENT, Kind.REFUSED,
                    Kind.UNSUBSCRIBED, Kind.EVENT, Kind.EVENT), seen.stream().map(Activity::kind).toList(), seen::toString);
            String socket = client.socketId();
            assertEquals(socket, seen.get(0).socketId());
            assertEquals(new Activity(seen.get(3).at(), Kind.EVENT, null, "news", "tick", "{\"n\":1}"), seen.get(3));
            assertEquals(new Activity(seen.get(4).at(), Kind.CLIENT_EVENT, socket, "private-room", "client-typing",
                    "{\"who\":\"me\"}"), seen.get(4));
            assertTrue(seen.get(5).detail().startsWith("subscription: Invalid signature"), seen.get(5)::toString);
            assertEquals("d".repeat(Activity.MAX_DETAIL) + "…", seen.get(7).detail(), "past the limit: cut, with an ellipsis");
            assertEquals("e".repeat(Activity.MAX_DETAIL), seen.get(8).detail(), "at the limit: whole");

            watch.close();
            fixture.hub.trigger(Fixture.ID, List.of("news"), "after", "{}", null);
            assertEquals(9, seen.size(), "nothing after the watch is closed");
        }
    }

    @Test
    void aWatcherThatThrowsHarmsNothingAndAnUnknownAppIsRefused() throws Exception {
        try (Fixture fixture = Fixture.create()) {
            fixture.hub.watch(Fixture.ID, activity -> {
                throw new IllegalStateException("broken watcher");
            });
            FixtureClient client = fixture.connect();
            client.subscribe("news");
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("news"), "tick", "{}", null));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> fixture.hub.watch("nope", activity -> { }));
            assertEquals("No app with id nope", unknown.getMessage());
        }
    }
}
