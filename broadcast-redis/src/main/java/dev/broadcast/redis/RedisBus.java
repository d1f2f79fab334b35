package dev.broadcast.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.ChannelType;
import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.cluster.ClusterNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterBus} over Redis (6.2 or later) or Valkey, with Lettuce: give one to each node's
 * {@code BroadcastHub.builder().cluster(…)}, all with the same URL and prefix.
 *
 * <p>How it works: a broadcast is one {@code PUBLISH} to a Redis channel per broadcast channel,
 * and a node subscribes only to the channels it has subscribers of, so a node never receives
 * what it does not serve. Every node, the publishing one too, delivers what Redis relays, so all
 * subscribers of a channel see its events in the one order Redis gave them. Channel counts, presence rosters, connection counts and cache channels'
 * last events are kept in Redis by Lua scripts, each atomic, so a cluster-wide transition (first
 * subscriber, a user's first connection, and back) happens once; its webhook is queued in Redis
 * by the same script and taken by one node, so it is sent once even when the reply to the node
 * that caused it is lost. Every node
 * refreshes a heartbeat entry; when a node's entry is older than the {@linkplain
 * Builder#nodeTimeout node timeout} (it died without goodbye), another node withdraws everything it
 * held, with {@code member_removed} to the subscribers and the webhooks.
 *
 * <p>While Redis is unreachable: local delivery goes on, publishers are never blocked (what cannot
 * be sent is dropped and counted, {@link #lostMessages()}), and the loss is logged once. When
 * Redis returns the node reconnects with backoff, subscribes again and announces its state again
 * by itself; when Redis came back empty, the cluster's state is rebuilt from every node's
 * announcement without webhooks.
 *
 * <p>Supported: one Redis or Valkey server ({@code redis://}, {@code rediss://} for TLS),
 * optionally with a user and password and a database number. Not supported: Redis Cluster (the
 * scripts touch keys of several slots).
 */
public final class RedisBus implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a cache channel keeps its last event (Pusher: 30 minutes). */
    static final long CACHE_TTL_MILLIS = 30 * 60 * 1000L;

    private final RedisClient client;
    private final ClientResources resources;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final String prefix;
    private final String nodeId;
    private final Duration nodeTimeout;
    private final String where;
    private final String controlChannel;
    /** Runs every call into the node and every stage the node waits on, one at a time, in order. */
    private final ScheduledExecutorService delivery;

    /** Redis channel to the app channel it carries, for every channel this node serves. */
    private final Map<String, Target> watched = new ConcurrentHashMap<>();
    /** Redis channel to its pending or done SUBSCRIBE. Guarded by itself. */
    private final Map<String, CompletableFuture<Void>> subscribing = new HashMap<>();
    /** Redis channel to the last of this node's presence changes sent or waiting to be. Guarded by itself. */
    private final Map<String, CompletableFuture<Void>> presenceOrder = new HashMap<>();
    /**
     * Delivery thread only, per Redis channel: roster reads in flight, the roster changes held
     * meanwhile, and the highest sequence number of a change received.
     */
    private final Map<String, Integer> rosterReads = new HashMap<>();
    private final Map<String, List<Change>> held = new HashMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();

    /** A roster change on its way to the node. */
    private record Change(long seq, Runnable apply) {
    }

    /** How long a roster answer waits for the changes before it to arrive, so each reaches the node on its own. */
    static final long CHANGES_WAIT_MILLIS = 200;

    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile ClusterNode node;
    private volatile ScheduledFuture<?> beat;
    /** Whether Redis has failed since the last good heartbeat, since when, and what was lost before. */
    private final java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long awaySinceMillis;
    private volatile long lostBeforeAway;
    private volatile boolean closed;

    private record Target(String appId, String channel) {
    }

    private RedisBus(Builder builder, RedisURI uri) {
        this.prefix = builder.prefix;
        this.nodeTimeout = builder.nodeTimeout;
        this.nodeId = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        this.where = uri.getHost() + ":" + uri.getPort();
        this.controlChannel = prefix + "ctl";
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(builder.maxPending)
                .timeoutOptions(TimeoutOptions.enabled(builder.commandTimeout))
                .build());
        this.delivery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "broadcast-redis-" + nodeId.substring(0, 6));
            thread.setDaemon(true);
            return thread;
        });
        StatefulRedisConnection<String, String> commands = null;
        try {
            commands = connectOnce(client::connect);
            this.connection = commands;
            this.redis = connection.async();
            this.pubsub = connectOnce(client::connectPubSub);
        } catch (RuntimeException e) {
            if (commands != null) {
                commands.close();
            }
            shutDown();
            throw new IllegalStateException(startProblem(e), e);
        }
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                try {
                    delivery.execute(() -> receive(channel, message));
                } catch (RejectedExecutionException closing) {
                    // the bus is closing: nothing is delivered any more
                }
            }
        });
    }

    /** Connects to the Redis at {@code url} with the default prefix {@code broadcast:}. */
    public static RedisBus connect(String url) {
        return builder(url).connect();
    }

    /**
     * Configures a bus for the Redis at {@code url}: {@code redis://[user:password@]host[:port][/db]},
     * or {@code rediss://…} for TLS.
     *
     * @throws IllegalArgumentException if {@code url} is not such a URL (the message masks any password)
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /**
     * Connects, trying a second time after a failure that is not a refusal of the credentials:
     * under load Lettuce now and then reports a failed handshake without its reason.
     */
    private static <C> C connectOnce(java.util.function.Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RuntimeException first) {
            if (authRefusal(first, 0) != null) {
                throw first;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw first;
            }
            return connect.get();
        }
    }

    private String startProblem(RuntimeException e) {
        String refusal = authRefusal(e, 0);
        if (refusal != null) {
            return "Redis at " + where + " refused authentication (" + refusal + "); check the user and password in the URL";
        }
        return "Cannot connect to Redis at " + where + ": " + rootMessage(e);
    }

    /** The first message in {@code e}'s causes and suppressed exceptions that says the credentials were refused. */
    private static String authRefusal(Throwable e, int depth) {
        if (e == null || depth > 10) {
            return null;
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")
                || message.contains("invalid username-password")) {
            return message;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            String found = authRefusal(suppressed, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return e.getCause() == e ? null : authRefusal(e.getCause(), depth + 1);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    // ---- the cluster seam

    @Override
    public void start(ClusterNode node) {
        if (this.node != null) {
            throw new IllegalStateException("This bus already serves a hub; give each hub its own");
        }
        this.node = Objects.requireNonNull(node, "node");
        try {
            pubsub.async().subscribe(controlChannel).get(5, TimeUnit.SECONDS);
            heartbeat().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot join the cluster on Redis at " + where + ": " + rootMessage(e), e);
        }
        long period = Math.max(100, nodeTimeout.toMillis() / 5);
        beat = delivery.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Joined the cluster on Redis at {} as node {} (prefix '{}')", where, nodeId, prefix);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void publish(Event event) {
        if (closed) {
            return;
        }
        String channel = eventsChannel(event.appId(), event.channel());
        ObjectNode message = JSON.createObjectNode().put("t", "e").put("n", nodeId).put("e", event.event()).put("d", event.data());
        if (event.exceptSocketId() != null) {
            message.put("x", event.exceptSocketId());
        }
        if (event.userId() != null) {
            message.put("u", event.userId());
        }
        if (event.client()) {
            message.put("c", true);
        }
        String payload = message.toString();
        CompletionStage<?> sent;
        if (event.cached()) {
            String cached = JSON.createObjectNode().put("event", event.event()).put("data", event.data()).toString();
            sent = Scripts.CACHE.run(redis, ScriptOutputType.INTEGER, prefix, nodeId,
                    prefix + event.appId() + ":cache:" + event.channel(), cached, Long.toString(CACHE_TTL_MILLIS), channel, payload);
        } else {
            sent = redis.publish(channel, payload);
        }
        sent.whenComplete((ignored, failure) -> {
            if (failure != null) {
                lost(failure);
                node.deliver(event); // local delivery goes on
            }
        });
    }

    @Override
    public CompletionStage<Void> watch(String appId, String channel) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        String redisChannel = eventsChannel(appId, channel);
        synchronized (subscribing) {
            watched.put(redisChannel, new Target(appId, channel));
            CompletableFuture<Void> existing = subscribing.get(redisChannel);
            if (existing != null && !existing.isCompletedExceptionally()) {
                return existing;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            subscribing.put(redisChannel, done);
            pubsub.async().subscribe(redisChannel).whenCompleteAsync((ignored, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    done.complete(null);
                }
            }, delivery);
            return done;
        }
    }

    @Override
    public void unwatch(String appId, String channel) {
        if (closed) {
            return;
        }
        String redisChannel = eventsChannel(appId, channel);
        synchronized (subscribing) {
            if (node.serves(appId, channel)) {
                return;
            }
            watched.remove(redisChannel);
            subscribing.remove(redisChannel);
            pubsub.async().unsubscribe(redisChannel);
            try {
                delivery.execute(() -> {
                    if (!watched.containsKey(redisChannel)) {
                        lastSeq.remove(redisChannel);
                    }
                });
            } catch (RejectedExecutionException closing) {
                // nothing to forget
            }
        }
    }

    @Override
    public void subscriptions(String appId, String channel, int delta) {
        if (closed) {
            return;
        }
        Scripts.COUNT.<String>run(redis, ScriptOutputType.VALUE, prefix, nodeId, appId, channel, Integer.toString(delta))
                .whenComplete((result, failure) -> {
                    if (failure != null) {
                        wentAway(failure);
                    } else if (!"".equals(result)) {
                        sendWebhooks();
                    }
                });
    }

    @Override
    public void connections(String appId, int delta) {
        if (closed) {
            return;
        }
        Scripts.CONNECTIONS.run(redis, ScriptOutputType.INTEGER, prefix, nodeId, appId, Integer.toString(delta))
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        lost(failure);
                    }
                });
    }

    @Override
    public CompletionStage<Join> join(String appId, String channel, Member member, int maxMembers) {
        String info = member.infoJson() == null ? "null" : member.infoJson();
        return readRoster(eventsChannel(appId, channel), true, () -> Scripts.JOIN.<List<Object>>run(redis, ScriptOutputType.MULTI,
                prefix, nodeId, appId, channel, member.userId(), info, Integer.toString(maxMembers)), reply -> {
                    Outcome outcome = switch (String.valueOf(reply.get(0))) {
                        case "a" -> {
                            sendWebhooks();
                            yield Outcome.ADDED;
                        }
                        case "f" -> Outcome.FULL;
                        default -> Outcome.PRESENT;
                    };
                    return new Join(outcome, roster(reply.subList(1, reply.size())));
                });
    }

    @Override
    public CompletionStage<Boolean> leave(String appId, String channel, String userId) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        inOrder(eventsChannel(appId, channel), () -> {
            Scripts.LEAVE.<Long>run(redis, ScriptOutputType.INTEGER, prefix, nodeId, appId, channel, userId)
                    .whenCompleteAsync((removed, failure) -> {
                        if (removed != null && removed == 1) {
                            sendWebhooks();
                        }
                        complete(result, removed != null && removed == 1, failure);
                    }, delivery);
        }, result);
        return result;
    }

    @Override
    public CompletionStage<Roster> roster(String appId, String channel) {
        return readRoster(eventsChannel(appId, channel), false,
                () -> Scripts.ROSTER.<List<Object>>run(redis, ScriptOutputType.MULTI, prefix, nodeId, appId, channel),
                RedisBus::roster);
    }

    @Override
    public CompletionStage<Optional<Cached>> cached(String appId, String channel) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        return onDelivery(redis.get(prefix + appId + ":cache:" + channel), json -> {
            if (json == null) {
                return Optional.empty();
            }
            JsonNode cached = parse(json);
            return cached == null ? Optional.empty() : Optional.of(new Cached(cached.path("event").asText(), cached.path("data").asText()));
        });
    }

    @Override
    public void terminate(String appId, String userId) {
        if (closed) {
            return;
        }
        String message = JSON.createObjectNode().put("t", "x").put("n", nodeId).put("a", appId).put("u", userId).toString();
        redis.publish(controlChannel, message).whenComplete((ignored, failure) -> {
            if (failure != null) {
                lost(failure);
            }
        });
    }

    @Override
    public CompletionStage<Map<String, ChannelCounts>> channels(String appId, String prefixFilter) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        return Scripts.CHANNELS.<List<Object>>run(redis, ScriptOutputType.MULTI, prefix, nodeId, appId, prefixFilter, "")
                .thenApply(RedisBus::channelCounts);
    }

    @Override
    public CompletionStage<ChannelCounts> channel(String appId, String channel) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        return Scripts.CHANNELS.<List<Object>>run(redis, ScriptOutputType.MULTI, prefix, nodeId, appId, "", channel)
                .thenApply(reply -> channelCounts(reply).getOrDefault(channel, new ChannelCounts(0, 0)));
    }

    @Override
    public CompletionStage<List<String>> users(String appId, String channel) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        return redis.zrange(prefix + appId + ":po:" + channel, 0, -1);
    }

    @Override
    public CompletionStage<Integer> connectionCount(String appId) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster bus is closed"));
        }
        return redis.hvals(prefix + appId + ":conns").thenApply(counts -> {
            int total = 0;
            for (String n : counts) {
                total += Math.max(0, Integer.parseInt(n));
            }
            return total;
        });
    }

    /**
     * Leaves the cluster: withdraws what this node held (its members leave the other nodes'
     * rosters, with webhooks from here), waiting up to a few seconds, then disconnects.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (beat != null) {
            beat.cancel(false);
        }
        if (node != null) {
            try {
                CompletableFuture<Long> withdrawn = new CompletableFuture<>();
                delivery.execute(() -> Scripts.WITHDRAW.<Long>run(redis, ScriptOutputType.INTEGER, prefix, nodeId)
                        .thenCompose(done -> takeWebhooks())
                        .whenCompleteAsync((done, failure) -> complete(withdrawn, 1L, failure), delivery));
                withdrawn.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.warn("Could not withdraw node {} from the cluster ({}); the others will when its heartbeat runs out",
                        nodeId, rootMessage(e));
            }
        }
        shutDown();
    }

    private void shutDown() {
        delivery.shutdown();
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("Lettuce shutdown", e);
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /**
     * Stops this node's part in the cluster at once, as a crash would: no withdrawal, no goodbye.
     * For tests of what the other nodes do about a node that died.
     */
    void crash() {
        closed = true;
        if (beat != null) {
            beat.cancel(false);
        }
        shutDown();
    }

    /** Messages this node could not send to the cluster (Redis unreachable or too slow), since start. */
    public long lostMessages() {
        return lost.get();
    }

    /** Messages from the cluster this node could not read and dropped, since start. */
    public long malformedMessages() {
        return malformed.get();
    }

    @Override
    public String toString() {
        return "RedisBus[" + where + ", prefix '" + prefix + "', node " + nodeId + "]";
    }

    // ---- what arrives

    private void receive(String redisChannel, String message) {
        if (redisChannel.equals(controlChannel)) {
            JsonNode control = parse(message);
            if (control == null || !"x".equals(control.path("t").asText()) || !control.path("a").isTextual()) {
                malformed(redisChannel, message);
            } else if (!nodeId.equals(control.path("n").asText())) {
                node.terminate(control.path("a").asText(), control.path("u").asText());
            }
            return;
        }
        Target target = watched.get(redisChannel);
        if (target == null) {
            return; // no longer served here
        }
        JsonNode m = parse(message);
        String type = m == null ? "" : m.path("t").asText();
        switch (type) {
            case "e" -> {
                if (!m.path("e").isTextual() || !m.path("d").isTextual()) {
                    malformed(redisChannel, message);
                } else {
                    node.deliver(new Event(target.appId(), target.channel(), m.get("e").asText(), m.get("d").asText(),
                            text(m, "x"), text(m, "u"), m.path("c").asBoolean(false)));
                }
            }
            case "a", "r" -> {
                if (!m.path("s").canConvertToLong() || !m.path("u").isTextual()) {
                    malformed(redisChannel, message);
                    return;
                }
                long seq = m.get("s").asLong();
                Member member = new Member(m.get("u").asText(), type.equals("a") ? info(m.path("i").asText("null")) : null);
                Change change = new Change(seq, () -> node.presenceChanged(target.appId(), target.channel(), seq, member,
                        type.equals("a")));
                lastSeq.merge(redisChannel, seq, Math::max);
                if (rosterReads.containsKey(redisChannel)) {
                    held.computeIfAbsent(redisChannel, c -> new ArrayList<>()).add(change);
                } else {
                    change.apply().run();
                }
            }
            default -> malformed(redisChannel, message);
        }
    }

    private void malformed(String redisChannel, String message) {
        long count = malformed.incrementAndGet();
        if (count == 1 || count % 1000 == 0) {
            LOG.warn("Dropped a message on {} that this node cannot read ({} so far): {}", redisChannel, count,
                    message.length() > 200 ? message.substring(0, 200) + "…" : message);
        }
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    private static String info(String json) {
        return json == null || json.equals("null") ? null : json;
    }

    // ---- rosters: read in order with the changes published on the channel

    /**
     * Runs a roster read for {@code redisChannel} on the delivery thread, holding back the roster
     * changes that arrive meanwhile. When the answer (as of sequence number {@code s}) comes, the
     * held changes up to {@code s} reach the node first, each on its own (waiting up to
     * {@link #CHANGES_WAIT_MILLIS} for those still on their way), then the answer, then the later
     * changes: every subscriber hears of a member who came and went meanwhile, and nothing is
     * applied out of order.
     */
    private <T> CompletionStage<T> readRoster(String redisChannel, boolean change,
                                              java.util.function.Supplier<CompletionStage<List<Object>>> read,
                                              Function<List<Object>, T> answer) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable send = () -> {
            rosterReads.merge(redisChannel, 1, Integer::sum);
            read.get().whenCompleteAsync((reply, failure) -> {
                if (failure != null) {
                    finishRead(redisChannel, Long.MIN_VALUE, () -> result.completeExceptionally(failure));
                    return;
                }
                long seq = rosterSeq(reply, change);
                Runnable finish = () -> finishRead(redisChannel, seq, () -> {
                    try {
                        result.complete(answer.apply(reply));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
                awaitChanges(redisChannel, seq, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHANGES_WAIT_MILLIS), finish);
            }, delivery);
        };
        if (change) {
            inOrder(redisChannel, send, result);
        } else {
            onDeliveryThread(send, result);
        }
        return result;
    }

    /** The sequence number a roster answer is as of: the first element, after the outcome of a join. */
    private static long rosterSeq(List<Object> reply, boolean join) {
        Object seq = reply.get(join ? 1 : 0);
        return seq instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    /**
     * Runs {@code then} once the changes up to {@code seq} arrived, or at {@code deadline}; at once
     * when none arrived since the channel was watched (the node has no view to keep up to date).
     */
    private void awaitChanges(String redisChannel, long seq, long deadline, Runnable then) {
        Long last = lastSeq.get(redisChannel);
        if (last == null || last >= seq || System.nanoTime() >= deadline || closed) {
            then.run();
            return;
        }
        try {
            delivery.schedule(() -> awaitChanges(redisChannel, seq, deadline, then), 2, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            then.run();
        }
    }

    /**
     * Hands the node the held changes up to {@code seq}, then {@code answer}, then, when no other
     * read is in flight, the rest.
     */
    private void finishRead(String redisChannel, long seq, Runnable answer) {
        List<Change> changes = held.getOrDefault(redisChannel, List.of());
        List<Change> later = new ArrayList<>();
        for (Change c : changes) {
            if (c.seq() <= seq) {
                c.apply().run();
            } else {
                later.add(c);
            }
        }
        held.remove(redisChannel);
        answer.run();
        if (rosterReads.merge(redisChannel, -1, Integer::sum) <= 0) {
            rosterReads.remove(redisChannel);
            later.forEach(c -> c.apply().run());
        } else if (!later.isEmpty()) {
            held.put(redisChannel, later);
        }
    }

    /**
     * Sends this node's presence changes of one channel in the order they were made: {@code send}
     * runs on the delivery thread once the previous change of the channel was sent and the
     * channel's SUBSCRIBE was acknowledged (so the node hears what follows its change). Lettuce
     * writes what one thread sends in order, so Redis applies the changes in that order too.
     */
    private void inOrder(String redisChannel, Runnable send, CompletableFuture<?> stage) {
        if (closed) {
            stage.completeExceptionally(new IllegalStateException("the cluster bus is closed"));
            return;
        }
        synchronized (presenceOrder) {
            CompletableFuture<Void> previous = presenceOrder.get(redisChannel);
            if (previous == null) {
                synchronized (subscribing) {
                    previous = subscribing.get(redisChannel);
                }
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            presenceOrder.put(redisChannel, sent);
            (previous == null ? CompletableFuture.completedFuture(null) : previous.handle((v, e) -> null))
                    .thenRunAsync(() -> {
                        try {
                            send.run();
                        } finally {
                            finishSend(redisChannel, sent);
                        }
                    }, delivery)
                    .exceptionally(rejected -> { // the bus closed meanwhile
                        stage.completeExceptionally(rejected);
                        finishSend(redisChannel, sent);
                        return null;
                    });
        }
    }

    private void finishSend(String redisChannel, CompletableFuture<Void> sent) {
        sent.complete(null);
        synchronized (presenceOrder) {
            presenceOrder.remove(redisChannel, sent);
        }
    }

    /** A roster from a script's reply: seq, then user id and info pairs. */
    private static Roster roster(List<Object> reply) {
        long seq = ((Number) reply.get(0)).longValue();
        List<Member> members = new ArrayList<>((reply.size() - 1) / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            members.add(new Member(String.valueOf(reply.get(i)), info(String.valueOf(reply.get(i + 1)))));
        }
        return new Roster(List.copyOf(members), seq);
    }

    private static Map<String, ChannelCounts> channelCounts(List<Object> reply) {
        Map<String, ChannelCounts> counts = new LinkedHashMap<>();
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            counts.put(String.valueOf(reply.get(i)), new ChannelCounts(((Number) reply.get(i + 1)).intValue(),
                    ((Number) reply.get(i + 2)).intValue()));
        }
        return counts;
    }

    // ---- heartbeat, node failure and recovery

    private CompletionStage<Void> heartbeat() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.complete(null);
            return done;
        }
        Scripts.BEAT.<Long>run(redis, ScriptOutputType.INTEGER, prefix, nodeId, Long.toString(nodeTimeout.toMillis()))
                .whenCompleteAsync((known, failure) -> {
                    try {
                        if (failure != null) {
                            wentAway(failure);
                        } else {
                            if (away.get() || known == 0 && beat != null) {
                                restore(known == 1);
                            }
                            sendWebhooks(); // also those whose taker's reply got lost, and a dead node's
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("Cluster heartbeat of node {} failed", nodeId, e);
                    } finally {
                        done.complete(null);
                    }
                }, delivery);
        return done;
    }

    /** Takes the queued webhooks of cluster-wide transitions and has the node send them. */
    private void sendWebhooks() {
        if (!closed) {
            takeWebhooks();
        }
    }

    private CompletionStage<Void> takeWebhooks() {
        return Scripts.WEBHOOKS.<List<Object>>run(redis, ScriptOutputType.MULTI, prefix, nodeId, "100")
                .thenAcceptAsync(taken -> {
                    for (Object item : taken) {
                        JsonNode hook = parse(String.valueOf(item));
                        if (hook == null || !hook.path("a").isTextual() || !hook.path("n").isTextual()) {
                            malformed(prefix + "webhooks", String.valueOf(item));
                            continue;
                        }
                        String user = hook.path("u").asText("");
                        node.webhook(hook.get("a").asText(), hook.get("n").asText(), hook.path("c").asText(),
                                user.isEmpty() ? null : user);
                    }
                    if (taken.size() == 100) {
                        takeWebhooks();
                    }
                }, delivery);
    }

    /** Counts a message that could not reach the cluster; the first of an outage is logged. */
    private void lost(Throwable failure) {
        lost.incrementAndGet();
        wentAway(failure);
    }

    private void wentAway(Throwable failure) {
        if (away.compareAndSet(false, true)) {
            awaySinceMillis = System.currentTimeMillis();
            lostBeforeAway = lost.get() - 1;
            LOG.warn("Redis at {} is unreachable ({}): local delivery goes on; messages to other nodes are dropped"
                    + " and counted until it is back", where, rootMessage(failure));
        }
    }

    /**
     * Announces this node's whole state again and re-reads the rosters it serves, after Redis was
     * away ({@code known}: it kept the cluster's state, so what changed meanwhile gets its
     * webhooks) or came back empty (rebuilt quietly).
     */
    private void restore(boolean known) {
        for (ClusterNode.AppState app : node.state()) {
            ObjectNode state = JSON.createObjectNode().put("a", app.appId()).put("n", app.connections());
            ObjectNode counts = state.putObject("c");
            app.subscriptions().forEach(counts::put);
            ObjectNode presence = state.putObject("p");
            app.presence().forEach((channel, members) -> {
                ArrayNode list = presence.putArray(channel);
                members.forEach(m -> list.addArray().add(m.userId()).add(m.infoJson() == null ? "null" : m.infoJson()));
            });
            Scripts.RESTORE.<Long>run(redis, ScriptOutputType.INTEGER, prefix, nodeId, state.toString(), known ? "0" : "1")
                    .whenCompleteAsync((reply, failure) -> {
                        if (failure != null) {
                            LOG.debug("restore of app {} failed; the next heartbeat tries again", app.appId(), failure);
                            wentAway(failure);
                        } else {
                            sendWebhooks();
                        }
                    }, delivery);
        }
        synchronized (subscribing) {
            if (!watched.isEmpty()) {
                pubsub.async().subscribe(watched.keySet().toArray(String[]::new));
            }
        }
        lastSeq.clear(); // a Redis that came back empty numbers the changes from 1 again
        // the other nodes announce themselves on their own next heartbeats: keep members the
        // roster lacks until they all had the time, then drop those still missing
        resetRosters(false);
        delivery.schedule(() -> resetRosters(true), nodeTimeout.toMillis() * 3 / 5, TimeUnit.MILLISECONDS);
        if (away.getAndSet(false)) {
            LOG.warn("Redis at {} is back after {} ms ({}): {} messages to other nodes were lost meanwhile;"
                    + " this node announced its state again", where, System.currentTimeMillis() - awaySinceMillis,
                    known ? "with the cluster's state" : "empty", lost.get() - lostBeforeAway);
        } else {
            LOG.warn("Redis at {} lost this node's state (restarted empty, or the node was away longer than {} ms);"
                    + " announced it again", where, nodeTimeout.toMillis());
        }
    }

    private void resetRosters(boolean complete) {
        watched.forEach((redisChannel, target) -> {
            if (ChannelType.of(target.channel()) == ChannelType.PRESENCE) {
                roster(target.appId(), target.channel())
                        .thenAccept(r -> node.rosterReset(target.appId(), target.channel(), r, complete));
            }
        });
    }

    // ---- helpers

    /** Runs {@code task} on the delivery thread; once the bus is closed, fails {@code stage} instead. */
    private void onDeliveryThread(Runnable task, CompletableFuture<?> stage) {
        if (closed) {
            stage.completeExceptionally(new IllegalStateException("the cluster bus is closed"));
            return;
        }
        try {
            delivery.execute(task);
        } catch (RejectedExecutionException e) {
            stage.completeExceptionally(new IllegalStateException("the cluster bus is closed", e));
        }
    }

    private String eventsChannel(String appId, String channel) {
        return prefix + appId + ":e:" + channel;
    }

    private <T, R> CompletionStage<R> onDelivery(CompletionStage<T> stage, Function<T, R> answer) {
        CompletableFuture<R> result = new CompletableFuture<>();
        stage.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                try {
                    result.complete(answer.apply(value));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        }, delivery);
        return result;
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable failure) {
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(value);
        }
    }

    /** Configures a {@link RedisBus}. */
    public static final class Builder {
        private final String url;
        private String prefix = "broadcast:";
        private Duration nodeTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(2);
        private int maxPending = 65_536;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
            parse(url);
        }

        /**
         * What every key and Redis channel of this deployment starts with, so that several
         * deployments share one Redis; {@code broadcast:} by default. Every node of a cluster
         * needs the same.
         */
        public Builder prefix(String prefix) {
            if (prefix == null || prefix.isEmpty() || prefix.length() > 100 || prefix.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("Redis prefix must be 1 to 100 characters without spaces or control"
                        + " characters, got " + (prefix == null ? "null" : "'" + prefix + "'"));
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * How long a node may stay silent before the others treat it as dead and withdraw its
         * members and subscriptions; it refreshes its entry five times as often. 10 s by default.
         */
        public Builder nodeTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("node timeout must be between 1 s and 10 min, got " + timeout);
            }
            this.nodeTimeout = timeout;
            return this;
        }

        /**
         * Connects, checking the URL, the credentials and that Redis answers.
         *
         * @throws IllegalArgumentException if the URL is not a Redis URL
         * @throws IllegalStateException if Redis cannot be reached or refuses the credentials
         */
        public RedisBus connect() {
            return new RedisBus(this, parse(url));
        }

        static RedisURI parse(String url) {
            String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")) : "";
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("Redis URL must look like redis://[user:password@]host[:port][/db]"
                        + " or rediss://… for TLS, got '" + masked(url) + "'");
            }
            try {
                java.net.URI plain = new java.net.URI(url);
                if (plain.getHost() == null || plain.getHost().isEmpty()) {
                    throw new IllegalArgumentException("no host, or a port that is not a number");
                }
                return RedisURI.create(url);
            } catch (java.net.URISyntaxException e) {
                throw invalid(url, e.getReason());
            } catch (RuntimeException e) {
                throw invalid(url, rootMessage(e));
            }
        }

        /**
         * The refusal of {@code url}, saying {@code why} unless the URL has credentials: parsers
         * quote the part they stumbled on, which can be a piece of the password, so neither their
         * message nor their exception is passed on.
         */
        private static IllegalArgumentException invalid(String url, String why) {
            boolean credentials = url.indexOf('@') > url.indexOf("://");
            return new IllegalArgumentException("Redis URL '" + masked(url) + "' is not valid"
                    + (credentials ? "" : ": " + why) + " (expected redis://[user:password@]host[:port][/db]; a '/', '?',"
                    + " '#' or '@' in the user or password must be percent-encoded)");
        }

        /**
         * {@code url} with any password replaced by {@code ***}, for messages: the user information
         * is what stands before the last {@code @}, after the {@code //} (or from the start without
         * one, as in {@code user:password@host} written without a scheme).
         */
        static String masked(String url) {
            int at = url.lastIndexOf('@');
            if (at < 0) {
                return url;
            }
            int slashes = url.indexOf("//");
            int start = slashes >= 0 && slashes < at ? slashes + 2 : 0;
            String credentials = url.substring(start, at);
            int colon = credentials.indexOf(':');
            return url.substring(0, start) + (colon < 0 ? "***" : credentials.substring(0, colon) + ":***") + url.substring(at);
        }
    }
}
