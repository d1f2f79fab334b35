package dev.broadcast.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.cluster.ClusterBus.Member;
import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.delivery.OutboundQueue;
import dev.broadcast.core.internal.wire.ChannelNames;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.Signatures;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.Transport;
import dev.broadcast.core.watch.Activity;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection speaking Pusher protocol v7: its subscriptions, presence memberships,
 * signed-in user, liveness and outbound queue.
 */
public final class ClientConnection implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    final AppRuntime runtime;
    private final Limits limits;
    private final String socketId;
    private final Transport transport;
    private final OutboundQueue outbound;
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** Subscribed channel to its presence user id ("" for channels without a member). */
    private final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    private volatile String userId;
    private volatile String userInfo;
    private volatile long lastSeenMillis;
    private volatile long pingSentMillis;
    private long rateWindowStart;
    private int rateWindowCount;
    /**
     * Messages that arrived while a subscription waited for the cluster, handled in order after
     * it. Only a node of a cluster ever waits: on a single node {@link #receive} reads the
     * volatile flag and nothing else. The queue (made on first use) and the counter are guarded
     * by this connection's monitor.
     */
    private ArrayDeque<String> parked;
    private volatile boolean waiting;
    /** How many waits have started; tells {@link #resume} that a message it handled began one. */
    private int waits;

    /** The most messages parked behind a subscription waiting for the cluster. */
    static final int MAX_PARKED = 100;

    ClientConnection(AppRuntime runtime, String socketId, Transport transport) {
        this.runtime = runtime;
        this.limits = runtime.app.limits();
        this.socketId = socketId;
        this.transport = transport;
        this.outbound = new OutboundQueue(transport, limits.maxOutboundBytes(),
                () -> closeWith(CloseCodes.GOING_AWAY, "Write failed"));
        this.lastSeenMillis = runtime.clock.millis();
    }

    @Override
    public String socketId() {
        return socketId;
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void touch() {
        lastSeenMillis = runtime.clock.millis();
        pingSentMillis = 0;
    }

    @Override
    public void closed() {
        if (open.compareAndSet(true, false)) {
            LOG.debug("Connection {} of app {} closed by the client", socketId, runtime.app.id());
            runtime.watchers.report(Activity.Kind.DISCONNECTED, socketId, null, null, "closed by the client");
            outbound.close();
            release();
        }
    }

    void start() {
        runtime.register(this);
        send(Frames.connectionEstablished(socketId, runtime.app.activityTimeout().toSeconds()));
    }

    /** Refuses a subscription with {@code pusher:subscription_error}, and logs why. */
    private void refuseSubscription(String channel, String type, String message, int status) {
        LOG.info("Refused the subscription of {} to {} in app {}: {} ({} {})", socketId, Engine.printable(channel, 200),
                runtime.app.id(), Engine.printable(message, 400), type, status);
        if (runtime.watchers.active()) {
            runtime.watchers.report(Activity.Kind.REFUSED, socketId, channel, null, "subscription: " + message);
        }
        send(Frames.subscriptionError(channel, type, message, status));
    }

    /** Queues a frame; a connection whose queue passes its bound is closed as a slow consumer. */
    void send(Frame frame) {
        if (deliver(frame)) {
            runtime.counters.sent(1, frame.size());
        }
    }

    /**
     * {@link #send} without counting the frame in the app's totals, for a caller that counts a
     * broadcast's deliveries once ({@link ChannelRegistry#publish}).
     *
     * @return whether the frame was queued (the connection is open and it fit)
     */
    boolean deliver(Frame frame) {
        OutboundQueue.Offer offer = offer(frame);
        if (offer == null) {
            return false;
        }
        switch (offer) {
            case IDLE -> startWriting();
            case FULL -> overflowed();
            case QUEUED -> { }
        }
        return offer != OutboundQueue.Offer.FULL;
    }

    /** Queues a frame without writing, counted; see {@link Delivery}. */
    OutboundQueue.Offer enqueue(Frame frame) {
        OutboundQueue.Offer offer = offer(frame);
        if (offer == null) {
            return OutboundQueue.Offer.QUEUED;
        }
        if (offer != OutboundQueue.Offer.FULL) {
            runtime.counters.sent(1, frame.size());
        }
        return offer;
    }

    /** The queue's answer, or null when the connection is closed (the frame is dropped). */
    private OutboundQueue.Offer offer(Frame frame) {
        return open.get() ? outbound.enqueue(frame) : null;
    }

    /** A WebSocket close reason may carry at most 123 UTF-8 bytes: cut at a character boundary. */
    static String closeReason(String reason) {
        if (Json.utf8Length(reason) <= 123) {
            return reason;
        }
        int bytes = 0;
        int end = 0;
        while (end < reason.length()) {
            int cp = reason.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > 123) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return reason.substring(0, end);
    }

    void startWriting() {
        outbound.drain();
    }

    void overflowed() {
        closeWith(CloseCodes.SLOW_CONSUMER, "Slow consumer: outbound buffer over "
                + limits.maxOutboundBytes() + " bytes", false);
    }

    /** Sends {@code pusher:error} with the code, then closes with it. */
    void closeWith(int code, String reason) {
        closeWith(code, reason, true);
    }

    private void closeWith(int code, String reason, boolean announce) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        if (code == CloseCodes.SLOW_CONSUMER) { // a client losing events: worth seeing at the default level
            LOG.info("Connection {} of app {} closed by the server: {} {}", socketId, runtime.app.id(), code, reason);
        } else {
            LOG.debug("Connection {} of app {} closed by the server: {} {}", socketId, runtime.app.id(), code, reason);
        }
        runtime.counters.closed(code);
        if (runtime.watchers.active()) {
            runtime.watchers.report(Activity.Kind.DISCONNECTED, socketId, null, null, "closed by the server: " + code + " " + reason);
        }
        release();
        outbound.finish(announce ? Frames.error(code, reason) : null, () -> {
            try {
                transport.close(code, closeReason(reason));
            } catch (RuntimeException e) {
                LOG.debug("close of {} failed", socketId, e);
            }
        });
    }

    void checkLiveness(long now) {
        long pinged = pingSentMillis;
        if (pinged != 0) {
            if (now - pinged >= runtime.app.pongTimeout().toMillis()) {
                closeWith(CloseCodes.PONG_TIMEOUT, "Pong reply not received in time");
            }
        } else if (now - lastSeenMillis >= runtime.app.activityTimeout().toMillis()) {
            pingSentMillis = now;
            send(Frames.PING);
        }
    }

    boolean isSubscribed(String channel) {
        return subscriptions.containsKey(channel);
    }

    boolean isPresentAs(String user) {
        return subscriptions.containsValue(user);
    }

    @Override
    public void receive(String text) {
        if (!open.get()) {
            return;
        }
        touch();
        if (waiting) {
            synchronized (this) {
                if (waiting) {
                    if (parked == null) {
                        parked = new ArrayDeque<>();
                    }
                    if (parked.size() >= MAX_PARKED) {
                        closeWith(CloseCodes.GOING_AWAY, "Over " + MAX_PARKED
                                + " messages sent while a subscription waited for the cluster", false);
                        return;
                    }
                    parked.add(text);
                    return;
                }
            }
        }
        handle(text);
    }

    /** Handles one message; returns having started to wait for the cluster if {@link #waiting}. */
    private void handle(String text) {
        int bytes = Json.utf8Length(text);
        runtime.counters.messagesIn.increment();
        runtime.counters.bytesIn.add(bytes);
        if (bytes > limits.maxMessageBytes()) {
            closeWith(CloseCodes.MESSAGE_TOO_BIG, "Message exceeds " + limits.maxMessageBytes() + " bytes", false);
            return;
        }
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (IOException e) {
            send(Frames.error(null, "Invalid message format: not a single JSON document within limits"));
            return;
        }
        String event = Json.text(message, "event");
        if (!message.isObject() || event == null) {
            send(Frames.error(null, "Invalid message format: expected an object with a string \"event\""));
            return;
        }
        JsonNode data = dataObject(message.get("data"));
        switch (event) {
            case "pusher:ping" -> send(Frames.PONG);
            case "pusher:pong" -> { }
            case "pusher:subscribe" -> subscribe(data);
            case "pusher:unsubscribe" -> unsubscribe(Json.text(data, "channel"));
            case "pusher:signin" -> signin(data);
            default -> {
                if (event.startsWith("client-")) {
                    clientEvent(event, message, text);
                } else {
                    send(Frames.error(null, "Unsupported event: clients may send pusher:* protocol events and client-* events"));
                }
            }
        }
    }

    /** {@code data} as an object: pusher-js sends objects, other clients a JSON string of one. */
    private static JsonNode dataObject(JsonNode data) {
        if (data != null && data.isTextual()) {
            try {
                return Json.parse(data.asText());
            } catch (IOException e) {
                return null;
            }
        }
        return data;
    }

    private void subscribe(JsonNode data) {
        String channel = Json.text(data, "channel");
        if (channel == null) {
            send(Frames.error(null, "pusher:subscribe needs data.channel as a string"));
            return;
        }
        if (channel.startsWith("#")) {
            subscribeUserChannel(channel);
            return;
        }
        String problem = Channel.nameProblem(channel);
        if (problem != null) {
            boolean tooLong = channel.length() > Channel.MAX_NAME_LENGTH;
            refuseSubscription(channel, tooLong ? "LimitReached" : "InvalidChannel", problem,
                    tooLong ? 4009 : 400);
            return;
        }
        if (subscriptions.containsKey(channel)) {
            // already subscribed: confirm again, change nothing (not even the presence member)
            send(Frames.subscriptionSucceeded(channel, ChannelType.of(channel) == ChannelType.PRESENCE
                    ? runtime.channels.presenceData(channel) : "{}"));
            return;
        }
        if (subscriptions.size() >= limits.maxSubscriptionsPerConnection()) {
            refuseSubscription(channel, "LimitReached", "A connection may be subscribed to at most "
                    + limits.maxSubscriptionsPerConnection() + " channels; unsubscribe from one first", 4100);
            return;
        }
        ChannelType type = ChannelType.of(channel);
        Member member = null;
        if (type.requiresAuthorization()) {
            String channelData = type == ChannelType.PRESENCE ? Json.text(data, "channel_data") : null;
            String signed = socketId + ":" + channel + (channelData == null ? "" : ":" + channelData);
            if (!authorized(Json.text(data, "auth"), signed)) {
                refuseSubscription(channel, "AuthError",
                        "Invalid signature: expected HMAC-SHA256 of \"" + signed + "\" signed with the key "
                                + runtime.app.key() + "'s secret", 401);
                return;
            }
            if (type == ChannelType.PRESENCE) {
                member = presenceMember(channel, channelData);
                if (member == null) {
                    return;
                }
            }
        }
        if (runtime.bus == null) {
            join(channel, member, null);
        } else {
            joinInCluster(channel, member);
        }
    }

    /** Joins {@code channel} once the cluster is ready for it, parking later messages meanwhile. */
    private void joinInCluster(String channel, Member member) {
        CompletableFuture<AppRuntime.Ready> ready = runtime.prepare(channel, member);
        if (ready.isDone()) {
            join(channel, member, ready.join());
            return;
        }
        synchronized (this) {
            waiting = true;
            waits++;
        }
        ready.thenAccept(r -> {
            join(channel, member, r);
            resume();
        });
    }

    /**
     * Handles the messages parked while a subscription waited, in order, until none is left or
     * one of them waits in turn; messages arriving meanwhile park behind them.
     */
    private void resume() {
        while (true) {
            String next;
            int started;
            synchronized (this) {
                next = parked == null ? null : parked.poll();
                if (next == null || !open.get()) {
                    parked = null;
                    waiting = false;
                    return;
                }
                started = waits;
            }
            handle(next);
            synchronized (this) {
                if (waits != started) {
                    return; // that message waits for the cluster now; its completion resumes
                }
            }
        }
    }

    /**
     * Adds this connection to {@code channel}; {@code ready} is what the cluster said first (null
     * on a single node).
     */
    private void join(String channel, Member member, AppRuntime.Ready ready) {
        ClusterBus.Join clusterJoin = ready == null ? null : ready.join();
        if (clusterJoin != null && clusterJoin.outcome() == ClusterBus.Outcome.FULL) {
            runtime.releaseHold(channel, member.userId(), false);
            refuseSubscription(channel, "LimitReached",
                    "Presence channel is full (" + limits.maxPresenceMembers() + " members)", 4100);
            return;
        }
        if (ready != null && !open.get()) {
            if (member != null) {
                runtime.releaseHold(channel, member.userId(), true);
            }
            return;
        }
        ChannelRegistry.Joined joined = runtime.channels.subscribe(channel, this, member,
                limits.maxPresenceMembers(), ready == null ? null : ready.roster());
        if (joined.refusal() != null) {
            if (ready != null && member != null) {
                runtime.releaseHold(channel, member.userId(), true);
            }
            refuseSubscription(channel, "LimitReached", joined.refusal(), 4100);
            return;
        }
        subscriptions.put(channel, member == null ? "" : member.userId());
        if (runtime.watchers.active()) {
            runtime.watchers.report(Activity.Kind.SUBSCRIBED, socketId, channel, null,
                    member == null ? null : "member " + member.userId());
        }
        if (ready != null) {
            if (joined.occupied()) {
                runtime.bus.watch(runtime.app.id(), channel); // again: an unwatch may have raced the first
            }
            runtime.subscriptionsChanged(channel, 1);
        }
        if (!open.get()) {
            unsubscribe(channel); // closed by another thread meanwhile: release() may have missed it
            return;
        }
        if (ready == null) { // in a cluster the bus sends these, once for all nodes
            if (joined.memberAdded()) {
                runtime.webhook(webhookEvent("member_added", channel).put("user_id", member.userId()));
            }
            if (joined.occupied()) {
                runtime.webhook(webhookEvent("channel_occupied", channel));
            }
        }
        if (ChannelNames.isCache(channel)) {
            var cached = runtime.cache.get(channel);
            if (ready != null && ready.cached() != null) {
                cached = ready.cached().map(c -> runtime.cacheLocally(channel, c)).orElse(null);
            }
            if (cached != null && cached.expiresAtMillis() > runtime.clock.millis()) {
                send(cached.frame());
            } else {
                send(Frames.cacheMiss(channel));
                runtime.webhook(webhookEvent("cache_miss", channel));
            }
        }
    }

    /**
     * The member a presence subscription joins as: from the signed {@code channel_data}, or, when
     * there is none, from the connection's signin. Null after answering with an error.
     */
    private Member presenceMember(String channel, String channelData) {
        JsonNode parsed;
        if (channelData == null) {
            if (userId == null) {
                refuseSubscription(channel, "AuthError",
                        "Presence subscription needs channel_data or a signed-in connection", 401);
                return null;
            }
            return checkedMember(channel, userId, userInfo);
        }
        try {
            parsed = Json.parse(channelData);
        } catch (IOException e) {
            refuseSubscription(channel, "AuthError", "channel_data is not a JSON object", 400);
            return null;
        }
        JsonNode id = parsed.get("user_id");
        if (!parsed.isObject() || id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
            refuseSubscription(channel, "AuthError",
                    "channel_data must be an object with a string or integer user_id", 400);
            return null;
        }
        JsonNode info = parsed.get("user_info");
        return checkedMember(channel, id.asText(), info == null || info.isNull() ? null : Json.write(info));
    }

    private Member checkedMember(String channel, String id, String infoJson) {
        if (id.length() > limits.maxUserIdLength()) {
            refuseSubscription(channel, "LimitReached",
                    "user_id is longer than " + limits.maxUserIdLength() + " characters", 4301);
            return null;
        }
        if (infoJson != null && Json.utf8Length(infoJson) > limits.maxUserInfoBytes()) {
            refuseSubscription(channel, "LimitReached",
                    "user_info is larger than " + limits.maxUserInfoBytes() + " bytes", 4301);
            return null;
        }
        return new Member(id, infoJson);
    }

    private void subscribeUserChannel(String channel) {
        String user = userId;
        if (user == null || !channel.equals(ChannelNames.USER_CHANNEL_PREFIX + user)) {
            refuseSubscription(channel, "AuthError",
                    "Channels starting with # are reserved; only the signed-in user may subscribe to its "
                            + ChannelNames.USER_CHANNEL_PREFIX + "{id}", 403);
            return;
        }
        if (runtime.bus == null) {
            join(channel, null, null);
            return;
        }
        // a #server-to-user channel needs no waiting: nothing is sent when it is joined
        if (runtime.channels.subscribe(channel, this, null, 0, null).occupied()) {
            runtime.bus.watch(runtime.app.id(), channel);
        }
        subscriptions.put(channel, "");
        if (!open.get()) {
            unsubscribe(channel);
        }
    }

    private void unsubscribe(String channel) {
        if (channel == null) {
            send(Frames.error(null, "pusher:unsubscribe needs data.channel as a string"));
            return;
        }
        String member = subscriptions.remove(channel);
        if (member != null) {
            runtime.watchers.report(Activity.Kind.UNSUBSCRIBED, socketId, channel, null, null);
            leave(channel, member);
        }
    }

    private void leave(String channel, String member) {
        ChannelRegistry.Left left = runtime.channels.unsubscribe(channel, this, member.isEmpty() ? null : member);
        if (runtime.bus != null) {
            if (!member.isEmpty()) {
                runtime.releaseHold(channel, member, true);
            }
            runtime.subscriptionsChanged(channel, -1);
            if (left.vacated()) {
                runtime.bus.unwatch(runtime.app.id(), channel);
            }
            return;
        }
        if (left.memberRemoved() != null) {
            runtime.webhook(webhookEvent("member_removed", channel).put("user_id", left.memberRemoved()));
        }
        if (left.vacated()) {
            runtime.webhook(webhookEvent("channel_vacated", channel));
        }
    }

    private void signin(JsonNode data) {
        String userData = Json.text(data, "user_data");
        if (userData == null || !authorized(Json.text(data, "auth"), socketId + "::user::" + userData)) {
            closeWith(CloseCodes.UNAUTHORIZED, "Connection not authorized: invalid signin signature");
            return;
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(userData);
        } catch (IOException e) {
            closeWith(CloseCodes.UNAUTHORIZED, "Connection not authorized: user_data is not JSON");
            return;
        }
        String id = Json.text(parsed, "id");
        if (id == null || id.isEmpty()) {
            closeWith(CloseCodes.UNAUTHORIZED, "Connection not authorized: user_data needs a non-empty string id");
            return;
        }
        if (id.length() > limits.maxUserIdLength()) {
            closeWith(CloseCodes.UNAUTHORIZED, "Connection not authorized: user id longer than "
                    + limits.maxUserIdLength() + " characters");
            return;
        }
        String previous = userId;
        if (previous != null && !previous.equals(id)) {
            // the old identity's #server-to-user channel and user index entry would outlive it
            closeWith(CloseCodes.UNAUTHORIZED, "Connection not authorized: already signed in as another user");
            return;
        }
        JsonNode info = parsed.get("user_info");
        userInfo = info == null || info.isNull() ? null : Json.write(info);
        userId = id;
        runtime.signedIn(id, this);
        if (!open.get()) {
            runtime.released(this, id);
            return;
        }
        send(Frames.signinSuccess(userData));
    }

    private void clientEvent(String event, JsonNode message, String text) {
        String channel = Json.text(message, "channel");
        if (!runtime.app.clientEvents()) {
            send(Frames.error(CloseCodes.CLIENT_EVENT_REJECTED, "The app does not have client messaging enabled."));
            return;
        }
        if (channel == null || !subscriptions.containsKey(channel)) {
            send(Frames.error(CloseCodes.CLIENT_EVENT_REJECTED,
                    "Client events need a channel the client is subscribed to"));
            return;
        }
        ChannelType type = ChannelType.of(channel);
        if (channel.startsWith("#") || !(type == ChannelType.PRIVATE || type == ChannelType.PRESENCE)) {
            send(Frames.error(CloseCodes.CLIENT_EVENT_REJECTED,
                    "Client events are only allowed on private and presence channels (not public or encrypted)"));
            return;
        }
        if (event.length() > limits.maxEventNameLength()) {
            send(Frames.error(CloseCodes.CLIENT_EVENT_REJECTED,
                    "Event name is longer than " + limits.maxEventNameLength() + " characters"));
            return;
        }
        if (!withinRate()) {
            send(Frames.error(CloseCodes.CLIENT_EVENT_REJECTED, "Client event rate limit exceeded: at most "
                    + limits.clientEventsPerSecond() + " per second"));
            return;
        }
        JsonNode data = message.get("data");
        String rawData = data == null ? "null" : Json.rawField(text, "data"); // relayed byte for byte
        String member = subscriptions.get(channel);
        String presenceUser = type == ChannelType.PRESENCE && !member.isEmpty() ? member : null;
        if (runtime.bus != null) { // delivered here too by the cluster, in its order
            runtime.bus.publish(new ClusterBus.Event(runtime.app.id(), channel, event, rawData, socketId, presenceUser, true));
        } else {
            runtime.channels.publish(channel, Frames.clientEvent(event, channel, rawData, presenceUser), this);
        }
        runtime.watchers.report(Activity.Kind.CLIENT_EVENT, socketId, channel, event, rawData);
        ObjectNode hook = webhookEvent("client_event", channel).put("event", event)
                .put("data", data != null && data.isTextual() ? data.asText() : rawData)
                .put("socket_id", socketId);
        if (presenceUser != null) {
            hook.put("user_id", presenceUser);
        }
        runtime.webhook(hook);
    }

    /** A fixed one-second window per connection; only this connection's reader thread touches it. */
    private boolean withinRate() {
        long now = runtime.clock.millis();
        if (now - rateWindowStart >= 1000) {
            rateWindowStart = now;
            rateWindowCount = 0;
        }
        return ++rateWindowCount <= limits.clientEventsPerSecond();
    }

    private boolean authorized(String presented, String signedString) {
        return Signatures.matches(Signatures.auth(runtime.app.key(), runtime.app.secret(), signedString), presented);
    }

    private static ObjectNode webhookEvent(String name, String channel) {
        return Json.object().put("name", name).put("channel", channel);
    }

    private void release() {
        for (String channel : subscriptions.keySet()) {
            String member = subscriptions.remove(channel);
            if (member != null) {
                leave(channel, member);
            }
        }
        runtime.released(this, userId);
    }
}
