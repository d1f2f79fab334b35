package dev.broadcast.redis;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Several hubs on one Redis, in this JVM, for tests. */
final class Cluster implements AutoCloseable {

    static final String ID = "1";
    static final String KEY = "key";
    static final String SECRET = "secret";

    final RedisProcess redis;
    final List<BroadcastHub> nodes = new ArrayList<>();
    final List<RedisBus> buses = new ArrayList<>();

    Cluster(RedisProcess redis) {
        this.redis = redis;
    }

    /** Where the nodes' app posts its webhooks; null for none. */
    java.net.URI webhooks;

    App app(Limits limits) {
        App.Builder app = App.builder(ID, KEY, SECRET).clientEvents(true).limits(limits);
        if (webhooks != null) {
            app.webhook(webhooks);
        }
        return app.build();
    }

    BroadcastHub node() {
        return node(Limits.DEFAULTS, b -> b);
    }

    BroadcastHub node(Limits limits, UnaryOperator<RedisBus.Builder> bus) {
        RedisBus redisBus = bus.apply(RedisBus.builder(redis.url()).prefix("test:")).connect();
        BroadcastHub hub = BroadcastHub.builder().app(app(limits)).cluster(redisBus)
                .webhookRetries(Duration.ofMillis(100), 2).build();
        nodes.add(hub);
        buses.add(redisBus);
        return hub;
    }

    static String auth(String socketId, String channel, String channelData) {
        String signed = socketId + ":" + channel + (channelData == null ? "" : ":" + channelData);
        return KEY + ":" + hmac(signed);
    }

    static String hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Subscribes {@code client} to presence {@code channel} as {@code userId}. */
    static void joinPresence(Recorder client, String channel, String userId) throws InterruptedException {
        String data = "{\"user_id\":\"" + userId + "\",\"user_info\":{\"name\":\"" + userId + "\"}}";
        String auth = auth(client.socketId(), channel, data);
        client.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\",\"auth\":\"" + auth
                + "\",\"channel_data\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(data) + "}}");
    }

    /** A client of {@code hub} that joined presence {@code channel} as {@code userId}, confirmed. */
    static Recorder member(BroadcastHub hub, String channel, String userId) throws InterruptedException {
        Recorder client = Recorder.connect(hub, KEY);
        joinPresence(client, channel, userId);
        client.await("pusher_internal:subscription_succeeded", channel);
        return client;
    }

    /** A client of {@code hub} subscribed to public {@code channel}, confirmed. */
    static Recorder subscriber(BroadcastHub hub, String channel) throws InterruptedException {
        Recorder client = Recorder.connect(hub, KEY);
        client.subscribe(channel);
        client.await("pusher_internal:subscription_succeeded", channel);
        return client;
    }

    /** A signed Pusher HTTP API request to {@code hub}. */
    static ApiResponse api(BroadcastHub hub, String method, String path, Map<String, String> query, String body) {
        TreeMap<String, String> params = new TreeMap<>(query);
        params.put("auth_key", KEY);
        params.put("auth_timestamp", Long.toString(System.currentTimeMillis() / 1000));
        params.put("auth_version", "1.0");
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            try {
                params.put("body_md5", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=').append(v));
        String signature = hmac(method + "\n" + path + "\n" + q);
        String target = path + "?" + q + "&auth_signature=" + signature;
        return hub.handle(ApiRequest.of(method, target, bytes));
    }

    static ApiResponse trigger(BroadcastHub hub, String channel, String event, String data, String socketId) {
        String body = "{\"name\":\"" + event + "\",\"channel\":\"" + channel + "\",\"data\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(data)
                + (socketId == null ? "" : ",\"socket_id\":\"" + socketId + "\"") + "}";
        return api(hub, "POST", "/apps/" + ID + "/events", Map.of(), body);
    }

    @Override
    public void close() {
        nodes.forEach(BroadcastHub::close);
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
