package dev.broadcast.core.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Joins a hub to the other nodes of a cluster. The hub calls it from any thread and expects every
 * method to return at once: work that needs the other nodes happens later, and a stage that
 * cannot be completed (the cluster is unreachable) completes exceptionally within a few seconds,
 * after which the hub goes on with what it knows locally.
 *
 * <p>Ordering contract, per channel: the stages of {@link #join}, {@link #roster} and {@link
 * #watch} complete, and the {@link ClusterNode} callbacks run, on one delivery thread of the bus,
 * in the order the cluster saw the changes; a roster completed with sequence number {@code s}
 * reflects every presence change up to {@code s}, and changes after it reach {@link
 * ClusterNode#presenceChanged} afterwards, none lost.
 *
 * <p>Webhooks of cluster-wide transitions ({@code channel_occupied} and {@code channel_vacated}
 * for the first subscriber anywhere and the last, {@code member_added} and {@code member_removed}
 * for a user's first connection anywhere and its last, also those of a node that died) are the
 * bus's: it hands each to {@link ClusterNode#webhook} on exactly one node. The node sends the
 * others ({@code client_event}, {@code cache_miss}) itself.
 */
public interface ClusterBus extends AutoCloseable {

    /** Joins the cluster as {@code node}; called once, by the hub being built. */
    void start(ClusterNode node);

    /** This node's id in the cluster, unique per start (a restarted node is a new node). */
    String nodeId();

    /**
     * Delivers {@code event} to every node serving its channel, this one included, through
     * {@link ClusterNode#deliver}, so that every subscriber anywhere sees a channel's events in
     * the one order the cluster gave them; keeps it as the channel's last event when it is a
     * cache channel. When the cluster cannot be reached, delivers it to this node alone at once
     * (local delivery goes on) and counts it as lost for the others. Never blocks.
     */
    void publish(Event event);

    /**
     * This node now serves {@code channel}: completes once the other nodes' events for it reach
     * {@link ClusterNode#deliver}. Idempotent. Before it sends anything the bus asks
     * {@link ClusterNode#serves}, so calls racing with {@link #unwatch} end in the right state.
     */
    CompletionStage<Void> watch(String appId, String channel);

    /** This node no longer serves {@code channel}, unless {@link ClusterNode#serves} says it does again. */
    void unwatch(String appId, String channel);

    /** This node's subscriptions to {@code channel} changed by {@code delta} (+1 or -1). */
    void subscriptions(String appId, String channel, int delta);

    /** This node's connections to app {@code appId} changed by {@code delta}. */
    void connections(String appId, int delta);

    /**
     * The user of {@code member} has its first connection on this node in presence channel
     * {@code channel}: adds it cluster-wide unless the channel already has {@code maxMembers}
     * other users. Completes with the outcome and the roster as of the change. A node's joins and
     * {@link #leave leaves} of one channel reach the cluster in the order they were called, each
     * after the channel's {@link #watch}.
     */
    CompletionStage<Join> join(String appId, String channel, Member member, int maxMembers);

    /**
     * The last connection of {@code userId} on this node left presence channel {@code channel};
     * completes with whether that was its last connection anywhere.
     */
    CompletionStage<Boolean> leave(String appId, String channel, String userId);

    /** The cluster-wide roster of presence channel {@code channel} as it is now. */
    CompletionStage<Roster> roster(String appId, String channel);

    /** The last event of cache channel {@code channel}, kept cluster-wide, if not expired. */
    CompletionStage<Optional<Cached>> cached(String appId, String channel);

    /** Closes the connections of {@code userId} on the other nodes. */
    void terminate(String appId, String userId);

    /** The occupied channels of the app whose names start with {@code prefix}, cluster-wide. */
    CompletionStage<Map<String, ChannelCounts>> channels(String appId, String prefix);

    /** One channel's counts, cluster-wide (zeros when it is not occupied). */
    CompletionStage<ChannelCounts> channel(String appId, String channel);

    /** The user ids of presence channel {@code channel}, cluster-wide, each once. */
    CompletionStage<List<String>> users(String appId, String channel);

    /** The app's connections on every node. */
    CompletionStage<Integer> connectionCount(String appId);

    /** Leaves the cluster: this node's state is withdrawn, then the bus stops. */
    @Override
    void close();

    /**
     * One event for one channel. {@code client} marks a client event, whose {@code data} is raw
     * JSON and whose {@code userId} is the presence member that sent it (or null); otherwise
     * {@code data} is the string the HTTP API was given. {@code exceptSocketId} is the connection
     * that must not receive it (null for none).
     */
    record Event(String appId, String channel, String event, String data, String exceptSocketId,
                 String userId, boolean client) {

        /** Whether the cluster keeps this event as its cache channel's last one. */
        public boolean cached() {
            return !client && dev.broadcast.core.internal.wire.ChannelNames.isCache(channel);
        }
    }

    /** A presence member: user id and its {@code user_info} as JSON (null when there is none). */
    record Member(String userId, String infoJson) {
    }

    /** A presence channel's members in the order they joined the cluster, at sequence {@code seq}. */
    record Roster(List<Member> members, long seq) {
    }

    /** What {@link #join} did. */
    record Join(Outcome outcome, Roster roster) {
    }

    /** How a {@link #join} ended. */
    enum Outcome {
        /** The user was new to the cluster's roster. */
        ADDED,
        /** The user was already present through another node. */
        PRESENT,
        /** The channel has its most members; nothing changed. */
        FULL
    }

    /** A cache channel's last event. */
    record Cached(String event, String data) {
    }

    /** Cluster-wide counts of one channel; {@code users} is 0 for channels other than presence. */
    record ChannelCounts(int subscriptions, int users) {
    }
}
