package dev.broadcast.core.internal.delivery;

import dev.broadcast.core.internal.wire.Json;

/**
 * Builds the server's protocol messages. Shapes follow Pusher protocol v7: {@code data} of
 * server-originated events is a JSON-encoded string, errors carry an object.
 */
public final class Frames {

    public static final Frame PONG = Frame.of("{\"event\":\"pusher:pong\",\"data\":{}}");
    public static final Frame PING = Frame.of("{\"event\":\"pusher:ping\",\"data\":{}}");

    private Frames() {
    }

    /** An event with string {@code data}, as triggered through the HTTP API. */
    public static Frame event(String event, String channel, String data) {
        StringBuilder out = new StringBuilder(48 + event.length() + channel.length() + data.length() * 11 / 10);
        Json.appendQuoted(out.append("{\"event\":"), event);
        Json.appendQuoted(out.append(",\"channel\":"), channel);
        Json.appendQuoted(out.append(",\"data\":"), data);
        return Frame.of(out.append('}').toString());
    }

    /** A relayed client event: {@code data} as the sender wrote it, {@code user_id} on presence. */
    public static Frame clientEvent(String event, String channel, String rawData, String userId) {
        StringBuilder out = new StringBuilder(64 + rawData.length());
        Json.appendQuoted(out.append("{\"event\":"), event);
        Json.appendQuoted(out.append(",\"channel\":"), channel);
        out.append(",\"data\":").append(rawData);
        if (userId != null) {
            Json.appendQuoted(out.append(",\"user_id\":"), userId);
        }
        return Frame.of(out.append('}').toString());
    }

    public static Frame connectionEstablished(String socketId, long activityTimeoutSeconds) {
        String data = "{\"socket_id\":" + Json.quote(socketId) + ",\"activity_timeout\":" + activityTimeoutSeconds + "}";
        return Frame.of("{\"event\":\"pusher:connection_established\",\"data\":" + Json.quote(data) + "}");
    }

    /** {@code pusher:error}; {@code code} may be null for errors that need no reaction. */
    public static Frame error(Integer code, String message) {
        return Frame.of("{\"event\":\"pusher:error\",\"data\":{\"code\":" + code + ",\"message\":"
                + Json.quote(message) + "}}");
    }

    public static Frame subscriptionSucceeded(String channel, String dataJson) {
        return Frame.of("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":" + Json.quote(channel)
                + ",\"data\":" + Json.quote(dataJson) + "}");
    }

    /** A channel-scoped failure, which pusher-js hands to the channel and Echo to {@code .error()}. */
    public static Frame subscriptionError(String channel, String type, String error, int status) {
        return Frame.of("{\"event\":\"pusher:subscription_error\",\"channel\":" + Json.quote(channel)
                + ",\"data\":{\"type\":" + Json.quote(type) + ",\"error\":" + Json.quote(error)
                + ",\"status\":" + status + "}}");
    }

    public static Frame memberAdded(String channel, String userId, String userInfoJson) {
        String data = "{\"user_id\":" + Json.quote(userId)
                + (userInfoJson == null ? "" : ",\"user_info\":" + userInfoJson) + "}";
        return Frame.of("{\"event\":\"pusher_internal:member_added\",\"channel\":" + Json.quote(channel)
                + ",\"data\":" + Json.quote(data) + "}");
    }

    public static Frame memberRemoved(String channel, String userId) {
        String data = "{\"user_id\":" + Json.quote(userId) + "}";
        return Frame.of("{\"event\":\"pusher_internal:member_removed\",\"channel\":" + Json.quote(channel)
                + ",\"data\":" + Json.quote(data) + "}");
    }

    public static Frame cacheMiss(String channel) {
        return Frame.of("{\"event\":\"pusher:cache_miss\",\"channel\":" + Json.quote(channel) + "}");
    }

    public static Frame signinSuccess(String userData) {
        return Frame.of("{\"event\":\"pusher:signin_success\",\"data\":{\"user_data\":" + Json.quote(userData) + "}}");
    }
}
