package dev.broadcast.core;

import java.util.List;

/** A connection subscribed to one channel of every kind, to see what a request delivers. */
final class Subscribers {

    /** The channels {@link #everywhere} subscribes to. */
    static final List<String> CHANNELS = List.of("a", "private-b", "presence-c", "cache-d", "#server-to-user-1");

    private Subscribers() {
    }

    /** A client of {@code fixture} signed in as user 1 and subscribed to every one of {@link #CHANNELS}. */
    static FixtureClient everywhere(Fixture fixture) {
        FixtureClient client = fixture.connect();
        client.signin("{\"id\":\"1\"}");
        client.subscribe("a");
        client.subscribe("private-b");
        client.subscribePresence("presence-c", "{\"user_id\":\"1\"}");
        client.subscribe("cache-d");
        client.subscribe("#server-to-user-1");
        if (fixture.hub.stats().subscriptions() != CHANNELS.size()) {
            throw new AssertionError("not subscribed everywhere: " + client.frames());
        }
        return client;
    }
}
