package dev.broadcast.core.cluster;

import java.util.List;
import java.util.Map;

/**
 * The hub as its {@link ClusterBus} sees it: what the bus delivers to this node, and what it asks
 * about the node's own state. Implemented by the hub; called on the bus's delivery thread.
 */
public interface ClusterNode {

    /** An event published on any node (this one too), for this node's subscribers of its channel. */
    void deliver(ClusterBus.Event event);

    /**
     * The cluster's roster of {@code channel} changed at sequence {@code seq}: {@code member}
     * joined, or when {@code added} is false, its user left. Stale or repeated changes are
     * ignored by the node.
     */
    void presenceChanged(String appId, String channel, long seq, ClusterBus.Member member, boolean added);

    /**
     * Resets this node's view of {@code channel}'s roster to {@code roster} after the cluster
     * state was rebuilt (the bus reconnected), whatever its sequence number, and tells the
     * subscribers here the differences. While the other nodes may still be announcing their
     * members, {@code complete} is false and members missing from {@code roster} are kept.
     */
    void rosterReset(String appId, String channel, ClusterBus.Roster roster, boolean complete);

    /** Closes this node's connections of {@code userId}, as the HTTP API asked on another node. */
    void terminate(String appId, String userId);

    /** Whether this node has a subscriber of {@code channel} now. */
    boolean serves(String appId, String channel);

    /** This node's state, for the bus to announce again after the cluster lost it. */
    List<AppState> state();

    /** Sends the webhook of a cluster-wide transition; the bus calls it on exactly one node. */
    void webhook(String appId, String name, String channel, String userId);

    /**
     * One app's state on this node: its connection count, subscriptions per channel, and the
     * presence members it holds per presence channel.
     */
    record AppState(String appId, int connections, Map<String, Integer> subscriptions,
                    Map<String, List<ClusterBus.Member>> presence) {
    }
}
