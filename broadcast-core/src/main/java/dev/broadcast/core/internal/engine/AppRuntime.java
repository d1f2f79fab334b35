package dev.broadcast.core.internal.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.ChannelType;
import dev.broadcast.core.cluster.ClusterBus.ChannelCounts;
import dev.broadcast.core.cluster.ClusterBus.Member;
import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.cluster.ClusterNode;
import dev.broadcast.core.config.App;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.webhooks.Webhooks;
import dev.broadcast.core.internal.wire.ChannelNames;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.TriggerLimits;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.watch.Activity;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one app has at run time on this node: its connections, channels, signed-in users and
 * cache; and, in a cluster, what it tells and asks the {@link ClusterBus} about them.
 */
public final class AppRuntime implements TriggerTarget {

    private static final Logger LOG = LoggerFactory.getLogger(AppRuntime.class);

    /** How long an HTTP API request waits for the cluster's answer before a 503. */
    static final long CLUSTER_QUERY_MILLIS = 3000;

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
    /** The cluster this node belongs to; null on a single node, where none of it costs anything. */
    final ClusterBus bus;
    /** Who watches this app's activity ({@code BroadcastHub.watch}). */
    final Watchers watchers;
    /**
     * In a cluster: this node's connections per presence channel and user, joins still waiting
     * for the bus included; a user is announced when its count leaves 0 and withdrawn when it
     * returns to 0. Keyed by {@link #presenceKey}.
     */
    final ConcurrentHashMap<String, PresenceHold> holds = new ConcurrentHashMap<>();

    /** One user's connections in one presence channel on this node, and the join that announced it. */
    static final class PresenceHold {
        final Member member;
        final CompletableFuture<ClusterBus.Join> joined = new CompletableFuture<>();
        int count = 1;

        PresenceHold(Member member) {
            this.member = member;
        }
    }

    /**
     * What a subscription in a cluster waited for: the join this connection made (null when the
     * user was already held here or the bus failed), the roster to apply (null: the view here is
     * current), and a cache channel's last event fetched from the cluster (null: use the local one).
     */
    record Ready(ClusterBus.Join join, ClusterBus.Roster roster, Optional<ClusterBus.Cached> cached) {
    }

    /** The last event of a cache channel, kept whether or not anyone is subscribed. */
    record CachedEvent(String event, String data, Frame frame, long expiresAtMillis) {
    }

    public AppRuntime(App app, InstantSource clock, Counters counters, Webhooks webhooks, ClusterBus bus, Watchers watchers) {
        this.app = app;
        this.watchers = watchers;
        this.clock = clock;
        this.counters = counters;
        this.bus = bus;
        this.channels = new ChannelRegistry(counters, bus != null);
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
            watchers.report(Activity.Kind.EVENT, null, channel, event, data);
            if (bus != null) { // every node, this one too, delivers in the order the cluster gives
                reached += channels.subscriptionCount(channel) - (except != null && except.isSubscribed(channel) ? 1 : 0);
                bus.publish(new ClusterBus.Event(app.id(), channel, event, data, exceptSocketId, null, false));
                continue;
            }
            Frame frame = Frames.event(event, channel, data);
            if (ChannelNames.isCache(channel)) {
                cache.put(channel, new CachedEvent(event, data, frame, clock.millis() + CACHE_TTL_MILLIS));
            }
            reached += channels.publish(channel, frame, except);
        }
        return reached;
    }

    /** Keeps a cache channel's last event that the cluster had, as if it had been published here. */
    CachedEvent cacheLocally(String channel, ClusterBus.Cached cached) {
        CachedEvent event = new CachedEvent(cached.event(), cached.data(), Frames.event(cached.event(), channel, cached.data()),
                clock.millis() + CACHE_TTL_MILLIS);
        cache.put(channel, event);
        return event;
    }

    /** An event the cluster delivers (published on any node): encoded once here, sent to this node's subscribers. */
    void deliver(ClusterBus.Event event) {
        String channel = event.channel();
        Frame frame;
        if (event.client()) {
            frame = Frames.clientEvent(event.event(), channel, event.data(), event.userId());
        } else {
            frame = Frames.event(event.event(), channel, event.data());
            if (ChannelNames.isCache(channel)) {
                cache.put(channel, new CachedEvent(event.event(), event.data(), frame, clock.millis() + CACHE_TTL_MILLIS));
            }
        }
        String exceptId = event.exceptSocketId();
        channels.publish(channel, frame, exceptId == null ? null : connections.get(exceptId));
    }

    // ---- cluster: what a subscription waits for, and what joins and leaves tell the bus

    static String presenceKey(String channel, String userId) {
        return channel + '\n' + userId;
    }

    /**
     * Everything the cluster must do before a connection is added to {@code channel}, as one stage
     * that never fails: the bus watches the channel before its first subscriber here, a presence
     * user's first connection here joins the cluster's roster, and a cache channel new here
     * fetches its last event. Completes at once when nothing is needed.
     */
    CompletableFuture<Ready> prepare(String channel, Member member) {
        boolean served = channels.serves(channel);
        CompletableFuture<Void> watched = served ? CompletableFuture.completedFuture(null)
                : recover(bus.watch(app.id(), channel), null, "watch " + channel);
        CompletableFuture<Ready> ready;
        if (member == null) {
            ready = watched.thenApply(v -> new Ready(null, null, null));
        } else {
            boolean[] first = {false};
            // the bus is told inside the compute, so this node's joins and leaves of a user reach
            // it in the order the holds changed (the bus sends the join after the watch)
            PresenceHold hold = holds.compute(presenceKey(channel, member.userId()), (key, existing) -> {
                if (existing == null) {
                    first[0] = true;
                    PresenceHold created = new PresenceHold(member);
                    bus.join(app.id(), channel, member, app.limits().maxPresenceMembers())
                            .whenComplete((join, failure) -> {
                                if (failure != null) {
                                    clusterFailed("join " + channel, failure);
                                    created.joined.complete(null);
                                } else {
                                    created.joined.complete(join);
                                }
                            });
                    return created;
                }
                existing.count++;
                return existing;
            });
            if (first[0]) {
                ready = hold.joined.thenApply(join -> new Ready(join, join == null ? null : join.roster(), null));
            } else {
                ready = hold.joined.thenCompose(join -> {
                    if (join != null && join.outcome() == ClusterBus.Outcome.FULL) {
                        return CompletableFuture.completedFuture(new Ready(join, null, null));
                    }
                    if (channels.serves(channel)) {
                        return CompletableFuture.completedFuture(new Ready(null, null, null));
                    }
                    return recover(bus.roster(app.id(), channel), null, "roster " + channel)
                            .thenApply(roster -> new Ready(null, roster, null));
                });
            }
        }
        if (!served && ChannelNames.isCache(channel)) {
            ready = ready.thenCompose(r -> recover(bus.cached(app.id(), channel), null, "cache " + channel)
                    .thenApply(cached -> new Ready(r.join(), r.roster(), cached)));
        }
        return ready;
    }

    /**
     * One connection of {@code userId} left presence channel {@code channel} here (or never got
     * in: {@code announced} false when the cluster refused it). The user's last connection here
     * withdraws it from the cluster; when the cluster cannot be told, this node's view drops the
     * user at once and the bus sets the cluster right when it is back.
     */
    void releaseHold(String channel, String userId, boolean announced) {
        holds.computeIfPresent(presenceKey(channel, userId), (key, hold) -> {
            if (--hold.count > 0) {
                return hold;
            }
            if (announced) { // told inside the compute: see prepare
                bus.leave(app.id(), channel, userId).whenComplete((removed, failure) -> {
                    if (failure != null) {
                        clusterFailed("leave " + channel, failure);
                        channels.presenceChanged(channel, -1, new Member(userId, null), false);
                    }
                });
            }
            return null;
        });
    }

    /** Tells the bus this node's subscriptions to {@code channel} changed. */
    void subscriptionsChanged(String channel, int delta) {
        if (!channel.startsWith("#")) {
            bus.subscriptions(app.id(), channel, delta);
        }
    }

    private <T> CompletableFuture<T> recover(CompletionStage<T> stage, T fallback, String what) {
        return stage.toCompletableFuture().exceptionally(failure -> {
            clusterFailed(what, failure);
            return fallback;
        });
    }

    private void clusterFailed(String what, Throwable failure) {
        LOG.debug("cluster {} failed for app {}; going on with this node's state", what, app.id(), failure);
    }

    /** This node's state of the app, for the bus to announce again. */
    ClusterNode.AppState state() {
        Map<String, List<Member>> presence = new HashMap<>();
        holds.forEach((key, hold) -> presence.computeIfAbsent(key.substring(0, key.indexOf('\n')), c -> new ArrayList<>())
                .add(hold.member));
        return new ClusterNode.AppState(app.id(), connections.size(), channels.subscriptionCounts(), presence);
    }

    // ---- what the HTTP API reads: this node's state, or the cluster's

    /** Thrown when the cluster did not answer an HTTP API read in time. */
    public static final class ClusterUnavailable extends RuntimeException {
        ClusterUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private <T> T ask(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(CLUSTER_QUERY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailable("interrupted while asking the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ClusterUnavailable("the cluster did not answer: " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    /** The occupied channels whose names start with {@code prefix}, with their counts, by name. */
    public Map<String, ChannelCounts> occupiedChannels(String prefix) {
        if (bus != null) {
            return new TreeMap<>(ask(bus.channels(app.id(), prefix)));
        }
        Map<String, ChannelCounts> found = new TreeMap<>();
        channels.forEachChannel(channel -> {
            if (channel.startsWith(prefix) && !channel.startsWith("#")) {
                found.put(channel, counts(channel));
            }
        });
        return found;
    }

    /** One channel's counts; zeros when nobody is subscribed. */
    public ChannelCounts counts(String channel) {
        if (bus != null) {
            return ask(bus.channel(app.id(), channel));
        }
        int users = ChannelType.of(channel) == ChannelType.PRESENCE ? channels.userIds(channel).size() : 0;
        return new ChannelCounts(channels.subscriptionCount(channel), users);
    }

    /** The distinct users of a presence channel. */
    public List<String> userIds(String channel) {
        return bus != null ? ask(bus.users(app.id(), channel)) : channels.userIds(channel);
    }

    /** The app's connections: on this node, or on every node of the cluster. */
    public int apiConnectionCount() {
        return bus != null ? ask(bus.connectionCount(app.id())) : connections.size();
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

    /** {@link #terminateUser} on this node and, in a cluster, on every other. */
    public void terminateUserEverywhere(String userId) {
        terminateUser(userId);
        if (bus != null) {
            bus.terminate(app.id(), userId);
        }
    }

    public int connectionCount() {
        return connections.size();
    }

    public int channelCount() {
        return channels.channelCount();
    }

    public int subscriptionTotal() {
        return channels.subscriptionTotal();
    }

    /** The cached last event of a cache channel, or null. */
    public Map.Entry<String, String> cached(String channel) {
        if (bus != null) {
            return ask(bus.cached(app.id(), channel)).map(c -> Map.entry(c.event(), c.data())).orElse(null);
        }
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
        if (bus != null) {
            bus.connections(app.id(), 1);
        }
    }

    void signedIn(String userId, ClientConnection connection) {
        users.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    void released(ClientConnection connection, String userId) {
        if (connections.remove(connection.socketId(), connection) && bus != null) {
            bus.connections(app.id(), -1);
        }
        if (userId != null) {
            users.computeIfPresent(userId, (id, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
