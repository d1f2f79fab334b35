package dev.broadcast.core.internal.engine;

import dev.broadcast.ChannelType;
import dev.broadcast.core.cluster.ClusterBus.Member;
import dev.broadcast.core.cluster.ClusterBus.Roster;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.wire.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The occupied channels of one app on this node. Each channel holds an immutable snapshot array of
 * its subscribers, replaced on every change, so fan-out iterates it with no lock. Changes to one
 * channel are serialized by the map's per-key compute; a channel exists exactly while it has a
 * subscriber here.
 *
 * <p>A presence channel's roster is this node's own members on a single node. In a cluster it is
 * the cluster's roster as last told by the bus ({@link #presenceChanged}, {@link #resetRoster}),
 * and {@code member_added}/{@code member_removed} reach subscribers when that roster changes.
 */
final class ChannelRegistry {

    private static final ClientConnection[] NONE = new ClientConnection[0];

    private final ConcurrentHashMap<String, ChannelState> channels = new ConcurrentHashMap<>();
    private final Counters counters;
    /** Whether rosters are the cluster's (kept by the bus) rather than this node's own. */
    private final boolean clustered;

    ChannelRegistry(Counters counters, boolean clustered) {
        this.counters = counters;
        this.clustered = clustered;
    }

    /** What a subscribe did; {@code refusal} says why nothing changed. */
    record Joined(boolean occupied, boolean memberAdded, String refusal) {
    }

    /** What an unsubscribe did. */
    record Left(boolean vacated, String memberRemoved) {
    }

    static final class ChannelState {
        final String name;
        volatile ClientConnection[] subscribers = NONE;
        /** Presence only: user id to member and its connection count. */
        final Map<String, Member> members;
        final Map<String, Integer> memberConnections;
        /** In a cluster: the sequence number of the last roster change applied. */
        long seq = -1;

        ChannelState(String name) {
            this.name = name;
            boolean presence = ChannelType.of(name) == ChannelType.PRESENCE;
            this.members = presence ? new LinkedHashMap<>() : Map.of();
            this.memberConnections = presence ? new LinkedHashMap<>() : Map.of();
        }

        boolean contains(ClientConnection connection) {
            for (ClientConnection c : subscribers) {
                if (c == connection) {
                    return true;
                }
            }
            return false;
        }

        String presenceData() {
            StringBuilder ids = new StringBuilder("[");
            StringBuilder hash = new StringBuilder("{");
            for (Member member : members.values()) {
                if (ids.length() > 1) {
                    ids.append(',');
                    hash.append(',');
                }
                String id = Json.quote(member.userId());
                ids.append(id);
                hash.append(id).append(':').append(member.infoJson() == null ? "null" : member.infoJson());
            }
            return "{\"presence\":{\"ids\":" + ids.append(']') + ",\"hash\":" + hash.append('}')
                    + ",\"count\":" + members.size() + "}}";
        }
    }

    /**
     * Adds {@code connection} to {@code channel}, with {@code member} for presence channels, and
     * queues its {@code subscription_succeeded} and, for a user's first connection, the
     * {@code member_added} of the others, all under the channel's lock so that presence frames
     * reach everyone in the order the changes happened. A presence member that would pass
     * {@code maxMembers} distinct users is refused and nothing changes.
     *
     * <p>In a cluster, {@code roster} is the cluster's roster the bus answered the join with (or
     * null when this node's view is current); it replaces the view when newer, and subscribers
     * already here are told the differences. A member the view lacks is added as on one node,
     * which is also what happens while the bus is unreachable.
     */
    Joined subscribe(String channel, ClientConnection connection, Member member, int maxMembers, Roster roster) {
        Joined[] result = new Joined[1];
        DeferredWrites delivery = new DeferredWrites();
        channels.compute(channel, (name, state) -> {
            boolean occupied = state == null;
            ChannelState target = occupied ? new ChannelState(name) : state;
            if (target.contains(connection)) {
                result[0] = new Joined(false, false, null);
                delivery.offer(connection, Frames.subscriptionSucceeded(name, member == null ? "{}" : target.presenceData()));
                return target;
            }
            boolean added = false;
            if (roster != null) {
                applyRoster(target, roster, false, delivery);
            }
            if (member != null) {
                if (!target.members.containsKey(member.userId()) && target.members.size() >= maxMembers) {
                    result[0] = new Joined(false, false,
                            "Presence channel is full (" + maxMembers + " members)");
                    return state;
                }
                added = target.members.putIfAbsent(member.userId(), member) == null;
                target.memberConnections.merge(member.userId(), 1, Integer::sum);
            }
            ClientConnection[] old = target.subscribers;
            ClientConnection[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = connection;
            target.subscribers = next;
            delivery.offer(connection, Frames.subscriptionSucceeded(name, member == null ? "{}" : target.presenceData()));
            if (added) {
                Frame joinedFrame = Frames.memberAdded(name, member.userId(), member.infoJson());
                for (ClientConnection other : old) {
                    delivery.offer(other, joinedFrame);
                }
            }
            result[0] = new Joined(occupied, added, null);
            return target;
        });
        delivery.complete();
        return result[0];
    }

    /**
     * Removes {@code connection} from {@code channel}; {@code userId} is its presence member, if
     * any. When that was the user's last connection, {@code member_removed} is queued for the
     * remaining subscribers under the channel's lock (see {@link #subscribe}).
     */
    Left unsubscribe(String channel, ClientConnection connection, String userId) {
        Left[] result = {new Left(false, null)};
        DeferredWrites delivery = new DeferredWrites();
        channels.computeIfPresent(channel, (name, state) -> {
            ClientConnection[] old = state.subscribers;
            int index = -1;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == connection) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return state;
            }
            ClientConnection[] next = new ClientConnection[old.length - 1];
            System.arraycopy(old, 0, next, 0, index);
            System.arraycopy(old, index + 1, next, index, old.length - index - 1);
            state.subscribers = next;
            String removed = null;
            if (userId != null) {
                Integer left = state.memberConnections.merge(userId, -1, Integer::sum);
                if (left != null && left <= 0) {
                    state.memberConnections.remove(userId);
                    removed = userId;
                    if (!clustered) { // in a cluster the bus says when the user left everywhere
                        state.members.remove(userId);
                        Frame leftFrame = Frames.memberRemoved(name, userId);
                        for (ClientConnection other : next) {
                            delivery.offer(other, leftFrame);
                        }
                    }
                }
            }
            result[0] = new Left(next.length == 0, removed);
            return next.length == 0 ? null : state;
        });
        delivery.complete();
        return result[0];
    }

    /**
     * The cluster's roster of {@code channel} changed at {@code seq}: applies it unless it is
     * stale, telling the subscribers here. A change for a channel this node does not serve is
     * dropped (a later subscriber gets the roster with its join). {@code seq} below 0 marks a
     * change this node made on its own while the bus was unreachable.
     */
    void presenceChanged(String channel, long seq, Member member, boolean added) {
        DeferredWrites delivery = new DeferredWrites();
        channels.computeIfPresent(channel, (name, state) -> {
            if (seq >= 0) {
                if (seq <= state.seq) {
                    return state;
                }
                state.seq = seq;
            }
            if (added) {
                if (state.members.putIfAbsent(member.userId(), member) == null) {
                    tell(state, Frames.memberAdded(name, member.userId(), member.infoJson()), delivery);
                }
            } else if (state.members.remove(member.userId()) != null) {
                tell(state, Frames.memberRemoved(name, member.userId()), delivery);
            }
            return state;
        });
        delivery.complete();
    }

    /**
     * Resets the view of {@code channel}'s roster to {@code roster}, whatever its age; members it
     * lacks are kept unless it is {@code complete}.
     */
    void resetRoster(String channel, Roster roster, boolean complete) {
        DeferredWrites delivery = new DeferredWrites();
        channels.computeIfPresent(channel, (name, state) -> {
            if (complete) {
                applyRoster(state, roster, true, delivery);
            } else {
                state.seq = roster.seq();
                for (Member member : roster.members()) {
                    if (state.members.putIfAbsent(member.userId(), member) == null) {
                        tell(state, Frames.memberAdded(name, member.userId(), member.infoJson()), delivery);
                    }
                }
            }
            return state;
        });
        delivery.complete();
    }

    private static void applyRoster(ChannelState state, Roster roster, boolean force, DeferredWrites delivery) {
        if (!force && roster.seq() <= state.seq) {
            return;
        }
        state.seq = roster.seq();
        Map<String, Member> next = new LinkedHashMap<>();
        roster.members().forEach(m -> next.put(m.userId(), m));
        for (String gone : state.members.keySet()) {
            if (!next.containsKey(gone)) {
                tell(state, Frames.memberRemoved(state.name, gone), delivery);
            }
        }
        for (Member member : next.values()) {
            if (!state.members.containsKey(member.userId())) {
                tell(state, Frames.memberAdded(state.name, member.userId(), member.infoJson()), delivery);
            }
        }
        state.members.clear();
        state.members.putAll(next); // in the cluster's join order
    }

    private static void tell(ChannelState state, Frame frame, DeferredWrites delivery) {
        for (ClientConnection subscriber : state.subscribers) {
            delivery.offer(subscriber, frame);
        }
    }

    /** Whether {@code channel} has a subscriber here. */
    boolean serves(String channel) {
        return channels.containsKey(channel);
    }

    /** Subscriber counts of the occupied channels here, {@code #} channels left out. */
    Map<String, Integer> subscriptionCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        channels.forEach((name, state) -> {
            if (!name.startsWith("#")) {
                counts.put(name, state.subscribers.length);
            }
        });
        return counts;
    }

    /** The presence {@code subscription_succeeded} data of {@code channel} as it is now. */
    String presenceData(String channel) {
        String[] data = {new ChannelState(channel).presenceData()};
        channels.computeIfPresent(channel, (name, state) -> {
            data[0] = state.presenceData();
            return state;
        });
        return data[0];
    }

    /** Sends {@code frame} to every subscriber of {@code channel} but {@code except}; returns how many. */
    int publish(String channel, Frame frame, ClientConnection except) {
        ChannelState state = channels.get(channel);
        if (state == null) {
            return 0;
        }
        int sent = 0;
        int queued = 0;
        for (ClientConnection connection : state.subscribers) {
            if (connection != except) {
                if (connection.deliver(frame)) {
                    queued++;
                }
                sent++;
            }
        }
        counters.delivered(queued, frame.size()); // once per broadcast, not per subscriber
        return sent;
    }

    /** Subscriber count of {@code channel}, 0 when unoccupied. */
    int subscriptionCount(String channel) {
        ChannelState state = channels.get(channel);
        return state == null ? 0 : state.subscribers.length;
    }

    /** Distinct presence users of {@code channel}, in join order. */
    List<String> userIds(String channel) {
        List<String> ids = new ArrayList<>();
        // members is mutated under the map's per-key lock; copying under the same lock is consistent
        channels.computeIfPresent(channel, (name, s) -> {
            ids.addAll(s.members.keySet());
            return s;
        });
        return ids;
    }

    /** Visits every occupied channel name. */
    void forEachChannel(Consumer<String> action) {
        channels.keySet().forEach(action);
    }

    int channelCount() {
        return channels.size();
    }

    int subscriptionTotal() {
        int total = 0;
        for (ChannelState state : channels.values()) {
            total += state.subscribers.length;
        }
        return total;
    }
}
