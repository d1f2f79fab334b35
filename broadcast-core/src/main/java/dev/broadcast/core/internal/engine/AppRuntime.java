package dev.broadcast.core.internal.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.core.config.App;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.webhooks.Webhooks;
import dev.broadcast.core.internal.wire.ChannelNames;
import dev.broadcast.core.internal.wire.TriggerLimits;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.Connection;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Everything one app has at run time: its connections, channels, signed-in users and cache. */
public final class AppRuntime implements TriggerTarget {

    /** How long a cache channel keeps its last event (Pusher: 30 minutes). */
    static final long CACHE_TTL_MILLIS = 30 * 60 * 1000L;

    final App app;
    final InstantSource clock;
    final Counters counters;
    final Webhooks webhooks;
    final ChannelRegistry channels;
    final ConcurrentHashMap<String, ClientConnection> connections = new ConcurrentHashMap<>();
    /** Signed-in user id to its connections. */
    final ConcurrentHashMap<String, Set<ClientConnection>> users = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, CachedEvent> cache = new ConcurrentHashMap<>();

    /** The last event of a cache channel, kept whether or not anyone is subscribed. */
    record CachedEvent(String event, String data, Frame frame, long expiresAtMillis) {
    }

    public AppRuntime(App app, InstantSource clock, Counters counters, Webhooks webhooks) {
        this.app = app;
        this.clock = clock;
        this.counters = counters;
        this.channels = new ChannelRegistry(counters);
        this.webhooks = webhooks;
    }

    @Override
    public App app() {
        return app;
    }

    /**
     * Refuses a trigger that breaks this app's limits ({@link TriggerLimits#problem}), with the
     * limit in the message; the HTTP API makes the same checks with its own status codes.
     */
    public void checkTrigger(Collection<String> channelNames, String event, String data) {
        Objects.requireNonNull(channelNames, "channels");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        String problem = TriggerLimits.problem(channelNames, event, data, app.limits());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Sends an event to every subscriber of each channel, except the connection with
     * {@code exceptSocketId} (may be null or unknown). Each frame is encoded once per channel.
     *
     * @return the number of connections the event was queued for
     */
    @Override
    public int trigger(Iterable<String> channelNames, String event, String data, String exceptSocketId) {
        ClientConnection except = exceptSocketId == null ? null : connections.get(exceptSocketId);
        int reached = 0;
        for (String channel : channelNames) {
            Frame frame = Frames.event(event, channel, data);
            if (ChannelNames.isCache(channel)) {
                cache.put(channel, new CachedEvent(event, data, frame, clock.millis() + CACHE_TTL_MILLIS));
            }
            reached += channels.publish(channel, frame, except);
        }
        return reached;
    }

    /** Closes every connection of {@code userId} (signed in as, or present as, that user). */
    public int terminateUser(String userId) {
        Set<ClientConnection> targets = ConcurrentHashMap.newKeySet();
        targets.addAll(users.getOrDefault(userId, Set.of()));
        for (ClientConnection connection : connections.values()) {
            if (connection.isPresentAs(userId)) {
                targets.add(connection);
            }
        }
        targets.forEach(c -> c.closeWith(CloseCodes.UNAUTHORIZED, "Connection terminated by the app"));
        return targets.size();
    }

    public int connectionCount() {
        return connections.size();
    }

    public int subscriptionCount(String channel) {
        return channels.subscriptionCount(channel);
    }

    public List<String> userIds(String channel) {
        return channels.userIds(channel);
    }

    public void forEachChannel(Consumer<String> action) {
        channels.forEachChannel(action);
    }

    public int channelCount() {
        return channels.channelCount();
    }

    public int subscriptionTotal() {
        return channels.subscriptionTotal();
    }

    /** The cached last event of a cache channel, or null. */
    public Map.Entry<String, String> cached(String channel) {
        CachedEvent cached = cache.get(channel);
        if (cached == null || cached.expiresAtMillis() <= clock.millis()) {
            return null;
        }
        return Map.entry(cached.event(), cached.data());
    }

    /** One heartbeat pass: pings silent connections, closes unanswered ones, expires cache entries. */
    public void sweep() {
        long now = clock.millis();
        for (ClientConnection connection : connections.values()) {
            connection.checkLiveness(now);
        }
        cache.values().removeIf(c -> c.expiresAtMillis() <= now);
    }

    void webhook(ObjectNode event) {
        if (!event.path("channel").asText().startsWith("#")) { // server-to-user channels are internal
            webhooks.send(app, event);
        }
    }

    void register(ClientConnection connection) {
        connections.put(connection.socketId(), connection);
    }

    void signedIn(String userId, ClientConnection connection) {
        users.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    void released(ClientConnection connection, String userId) {
        connections.remove(connection.socketId(), connection);
        if (userId != null) {
            users.computeIfPresent(userId, (id, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
