package dev.broadcast.core.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.ChannelType;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.cluster.ClusterBus.ChannelCounts;
import dev.broadcast.core.internal.engine.AppRuntime;
import dev.broadcast.core.internal.engine.Engine;
import dev.broadcast.core.internal.wire.ChannelNames;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.Signatures;
import dev.broadcast.core.internal.wire.TriggerLimits;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import dev.broadcast.core.transport.SocketIds;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Pusher HTTP API over any HTTP server: request signing, the timestamp window, body_md5, and
 * the routes under {@code /apps/{id}}. Every check runs before anything is sent, so a refused
 * request changes nothing.
 */
public final class HttpApi {

    private static final ApiResponse OK = new ApiResponse(200, "{}");

    private final Engine engine;
    private final InstantSource clock;
    private final int maxBodyBytes;

    public HttpApi(Engine engine, InstantSource clock) {
        this.engine = engine;
        this.clock = clock;
        this.maxBodyBytes = engine.runtimes().stream().mapToInt(r -> maxBodyBytes(r.app().limits())).max().orElse(0);
    }

    /** The largest request body any app accepts, so adapters can stop reading early. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The largest request body an app with {@code limits} accepts. */
    private static int maxBodyBytes(Limits limits) {
        // JSON escaping can make data up to six times longer than its UTF-8 bytes
        return limits.maxBatchSize() * (limits.maxEventDataBytes() * 6 + 4096)
                + limits.maxChannelsPerTrigger() * 210 + 65536;
    }

    /** A refusal: status and message, turned into {@code {"error":…}}. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request);
        } catch (Refused refused) {
            return error(refused.status, refused.getMessage());
        } catch (AppRuntime.ClusterUnavailable unavailable) {
            return error(503, "Cluster state unavailable, try again: " + unavailable.getMessage());
        }
    }

    static ApiResponse error(int status, String message) {
        return new ApiResponse(status, "{\"error\":" + Json.quote(message) + "}");
    }

    /**
     * The answer a request gets from its method and target alone, or null when its body may be
     * read: an unknown path or app, or a bad key, timestamp or signature is refused before a
     * stranger can make the server buffer a body. The signature covers {@code body_md5}, so the
     * body is checked against it once read.
     */
    public ApiResponse precheck(ApiRequest head) {
        String path = head.path();
        if (path.equals("/up")) {
            return null;
        }
        try {
            int start = apiStart(path);
            AppRuntime runtime = runtime(path.substring(start + "/apps/".length()).split("/", 2)[0]);
            verify(runtime, head, path, start, false);
            return null;
        } catch (Refused refused) {
            return error(refused.status, refused.getMessage());
        }
    }

    private static int apiStart(String path) throws Refused {
        int start = path.indexOf("/apps/");
        if (start < 0) {
            throw new Refused(404, "Not found: the API lives under /apps/{appId}/");
        }
        return start;
    }

    private AppRuntime runtime(String appId) throws Refused {
        AppRuntime runtime = engine.byId(appId);
        if (runtime == null) {
            throw new Refused(404, "Unknown app id: " + appId);
        }
        return runtime;
    }

    private ApiResponse route(ApiRequest request) throws Refused {
        String path = request.path();
        if (path.equals("/up")) { // adapters mounted under a prefix hand "/up" (see ApiServlet)
            return new ApiResponse(200, "{\"health\":\"OK\"}");
        }
        int start = apiStart(path);
        String[] parts = path.substring(start + "/apps/".length()).split("/", -1);
        AppRuntime runtime = runtime(parts[0]);
        Limits limits = runtime.app().limits();
        if (request.body().length > maxBodyBytes(limits)) {
            throw new Refused(413, "Request body is larger than " + maxBodyBytes(limits) + " bytes");
        }
        Map<String, String> query = verify(runtime, request, path, start, true);
        String method = request.method();
        String resource = parts.length > 1 ? parts[1] : "";
        switch (resource) {
            case "events" -> {
                if (parts.length == 2) {
                    expect(method, "POST");
                    return events(runtime, body(request));
                }
            }
            case "batch_events" -> {
                if (parts.length == 2) {
                    expect(method, "POST");
                    return batch(runtime, body(request));
                }
            }
            case "channels" -> {
                if (parts.length == 2) {
                    expect(method, "GET");
                    return channels(runtime, query);
                }
                if (parts.length == 3) {
                    expect(method, "GET");
                    return channel(runtime, parts[2], query);
                }
                if (parts.length == 4 && parts[3].equals("users")) {
                    expect(method, "GET");
                    return users(runtime, parts[2]);
                }
            }
            case "users" -> {
                if (parts.length == 4 && parts[3].equals("terminate_connections")) {
                    expect(method, "POST");
                    runtime.terminateUserEverywhere(parts[2]);
                    return OK;
                }
            }
            case "connections" -> {
                if (parts.length == 2) {
                    expect(method, "GET");
                    return new ApiResponse(200, "{\"connections\":" + runtime.apiConnectionCount() + "}");
                }
            }
            default -> {
            }
        }
        throw new Refused(404, "Not found: " + path.substring(start));
    }

    private static void expect(String method, String allowed) throws Refused {
        if (!allowed.equals(method)) {
            throw new Refused(405, "Method " + method + " not allowed here; use " + allowed);
        }
    }

    /** Checks the Pusher request signature and returns the decoded query parameters. */
    /** Checks the signed query; the body against {@code body_md5} only when {@code bodyRead}. */
    private Map<String, String> verify(AppRuntime runtime, ApiRequest request, String path, int apiStart,
            boolean bodyRead) throws Refused {
        Map<String, String> params = new TreeMap<>();
        String rawQuery = request.rawQuery() == null ? "" : request.rawQuery();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.put(key, value) != null) {
                throw new Refused(401, "Query parameter " + key + " appears more than once");
            }
        }
        String signature = params.remove("auth_signature");
        if (signature == null || !params.containsKey("auth_key") || !params.containsKey("auth_timestamp")) {
            throw new Refused(401, "Missing auth_key, auth_timestamp or auth_signature");
        }
        if (!Signatures.matches(runtime.app().key(), params.get("auth_key"))) {
            throw new Refused(401, "Unknown auth_key for this app");
        }
        if (!"1.0".equals(params.get("auth_version"))) {
            throw new Refused(401, "auth_version must be 1.0");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(params.get("auth_timestamp"));
        } catch (NumberFormatException e) {
            throw new Refused(401, "auth_timestamp is not a number of seconds");
        }
        long now = clock.millis() / 1000;
        long window = runtime.app().limits().apiTimestampWindow().toSeconds();
        if (Math.abs(now - timestamp) > window) {
            throw new Refused(401, "Timestamp expired: given timestamp (" + timestamp + ") not within "
                    + window + "s of server time (" + now + ")");
        }
        if (bodyRead && request.body().length > 0) {
            String md5 = Signatures.md5Hex(request.body());
            if (!md5.equals(params.get("body_md5"))) {
                throw new Refused(401, "body_md5 does not match the MD5 of the body");
            }
        }
        StringBuilder canonical = new StringBuilder();
        params.forEach((key, value) -> {
            if (canonical.length() > 0) {
                canonical.append('&');
            }
            canonical.append(key).append('=').append(value);
        });
        String method = request.method().toUpperCase(java.util.Locale.ROOT);
        String secret = runtime.app().secret();
        // The client signs the path it addressed; behind a path prefix that is either the full
        // path or the part from /apps/ on, depending on whether the proxy strips the prefix.
        boolean valid = Signatures.matches(Signatures.hmacHex(secret, method + "\n" + path + "\n" + canonical), signature)
                || apiStart > 0 && Signatures.matches(
                        Signatures.hmacHex(secret, method + "\n" + path.substring(apiStart) + "\n" + canonical), signature);
        if (!valid) {
            throw new Refused(401, "Invalid signature: expected HMAC-SHA256 hex of \"" + method + "\\n"
                    + path.substring(apiStart) + "\\n" + canonical + "\"");
        }
        return params;
    }

    private static String decode(String s) throws Refused {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "Malformed query string");
        }
    }

    private static JsonNode body(ApiRequest request) throws Refused {
        try {
            JsonNode node = Json.parse(request.body());
            if (!node.isObject()) {
                throw new Refused(400, "Body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refused(400, "Body is not valid JSON");
        }
    }

    /** One validated event of a trigger or batch. */
    private record Trigger(List<String> channels, String name, String data, String socketId, Set<String> info) {
    }

    private static Trigger trigger(JsonNode node, Limits limits, boolean batchItem) throws Refused {
        String name = Json.text(node, "name");
        if (name == null) {
            throw new Refused(400, "name is required and must be a string");
        }
        String problem = TriggerLimits.eventName(name, limits.maxEventNameLength());
        if (problem != null) {
            throw new Refused(400, "Event name " + problem);
        }
        String data = Json.text(node, "data");
        if (data == null) {
            throw new Refused(400, "data is required and must be a string");
        }
        problem = TriggerLimits.data(data, limits);
        if (problem != null) {
            throw new Refused(413, "Event data " + problem);
        }
        List<String> channels = new ArrayList<>();
        JsonNode many = node.get("channels");
        if (many != null && !batchItem) {
            if (!many.isArray()) {
                throw new Refused(400, "channels must be an array of strings");
            }
            for (JsonNode c : many) {
                if (!c.isTextual()) {
                    throw new Refused(400, "channels must be an array of strings");
                }
                channels.add(c.asText());
            }
        } else if (Json.text(node, "channel") != null) {
            channels.add(Json.text(node, "channel"));
        }
        if (channels.isEmpty()) {
            throw new Refused(400, batchItem ? "channel is required" : "channels (or channel) is required");
        }
        problem = TriggerLimits.channelsProblem(channels, limits);
        if (problem != null) {
            throw new Refused(400, problem);
        }
        String socketId = Json.text(node, "socket_id");
        JsonNode rawSocket = node.get("socket_id");
        if (rawSocket != null && !rawSocket.isNull() && !SocketIds.isValid(socketId)) {
            throw new Refused(400, "socket_id must look like 1234.5678");
        }
        return new Trigger(channels, name, data, socketId, infoAttributes(Json.text(node, "info")));
    }

    private static ApiResponse events(AppRuntime runtime, JsonNode body) throws Refused {
        Trigger trigger = trigger(body, runtime.app().limits(), false);
        runtime.trigger(trigger.channels(), trigger.name(), trigger.data(), trigger.socketId());
        if (trigger.info().isEmpty()) {
            return OK;
        }
        ObjectNode out = Json.object();
        ObjectNode channels = out.putObject("channels");
        for (String channel : trigger.channels()) {
            channels.set(channel, info(runtime, channel, trigger.info()));
        }
        return new ApiResponse(200, Json.write(out));
    }

    private static ApiResponse batch(AppRuntime runtime, JsonNode body) throws Refused {
        JsonNode batch = body.get("batch");
        if (batch == null || !batch.isArray()) {
            throw new Refused(400, "batch must be an array of events");
        }
        Limits limits = runtime.app().limits();
        if (batch.size() > limits.maxBatchSize()) {
            throw new Refused(400, "Batch has " + batch.size() + " events; at most " + limits.maxBatchSize() + " allowed");
        }
        List<Trigger> triggers = new ArrayList<>();
        for (JsonNode item : batch) {
            if (!item.isObject()) {
                throw new Refused(400, "Each batch item must be an object");
            }
            triggers.add(trigger(item, limits, true));
        }
        boolean anyInfo = false;
        for (Trigger trigger : triggers) {
            runtime.trigger(trigger.channels(), trigger.name(), trigger.data(), trigger.socketId());
            anyInfo |= !trigger.info().isEmpty();
        }
        if (!anyInfo) {
            return OK;
        }
        ObjectNode out = Json.object();
        ArrayNode results = out.putArray("batch");
        for (Trigger trigger : triggers) {
            results.add(info(runtime, trigger.channels().get(0), trigger.info()));
        }
        return new ApiResponse(200, Json.write(out));
    }

    private static ObjectNode info(AppRuntime runtime, String channel, Set<String> wanted) {
        return info(wanted.isEmpty() ? null : runtime.counts(channel), channel, wanted);
    }

    private static ObjectNode info(ChannelCounts counts, String channel, Set<String> wanted) {
        ObjectNode node = Json.object();
        if (wanted.contains("user_count") && ChannelType.of(channel) == ChannelType.PRESENCE) {
            node.put("user_count", counts.users());
        }
        if (wanted.contains("subscription_count")) {
            node.put("subscription_count", counts.subscriptions());
        }
        return node;
    }

    private static Set<String> infoParam(Map<String, String> query) {
        return infoAttributes(query.get("info"));
    }

    /** {@code info}'s comma-separated attributes; a repeated one counts once. */
    private static Set<String> infoAttributes(String info) {
        return info == null || info.isEmpty() ? Set.of() : Set.copyOf(java.util.Arrays.asList(info.split(",")));
    }

    private static ApiResponse channels(AppRuntime runtime, Map<String, String> query) throws Refused {
        String prefix = query.getOrDefault("filter_by_prefix", "");
        Set<String> info = infoParam(query);
        if (info.contains("user_count") && !prefix.startsWith("presence-")) {
            throw new Refused(400, "info=user_count needs filter_by_prefix=presence-");
        }
        ObjectNode out = Json.object();
        ObjectNode channels = out.putObject("channels");
        runtime.occupiedChannels(prefix).forEach((channel, counts) -> channels.set(channel, info(counts, channel, info)));
        return new ApiResponse(200, Json.write(out));
    }

    private static ApiResponse channel(AppRuntime runtime, String channel, Map<String, String> query) throws Refused {
        String problem = ChannelNames.triggerProblem(channel);
        if (problem != null) {
            throw new Refused(400, problem);
        }
        Set<String> info = infoParam(query);
        if (info.contains("user_count") && ChannelType.of(channel) != ChannelType.PRESENCE) {
            throw new Refused(400, "info=user_count is only available for presence channels");
        }
        ChannelCounts counts = runtime.counts(channel);
        ObjectNode out = Json.object().put("occupied", counts.subscriptions() > 0);
        out.setAll(info(counts, channel, info));
        if (info.contains("cache")) {
            Map.Entry<String, String> cached = runtime.cached(channel);
            if (cached != null) {
                out.putObject("cache").put("event", cached.getKey()).put("data", cached.getValue());
            }
        }
        return new ApiResponse(200, Json.write(out));
    }

    private static ApiResponse users(AppRuntime runtime, String channel) throws Refused {
        if (ChannelType.of(channel) != ChannelType.PRESENCE) {
            throw new Refused(400, "Users are only available for presence channels");
        }
        ObjectNode out = Json.object();
        ArrayNode users = out.putArray("users");
        runtime.userIds(channel).forEach(id -> users.addObject().put("id", id));
        return new ApiResponse(200, Json.write(out));
    }
}
