package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON helpers for tests: a plain Jackson mapper, independent of the engine's own reader. */
final class Wire {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Wire() {
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** A client message {@code {"event":…,"data":…}}; {@code data} is omitted when null. */
    static String message(String event, Object data) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("event", event);
        if (data != null) {
            message.put("data", data);
        }
        return write(message);
    }

    /** An ordered map from alternating keys and values. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Asserts {@code actual} equals the JSON {@code expected} (field order ignored, types strict). */
    static void assertJson(String expected, JsonNode actual) {
        assertEquals(parse(expected), actual, () -> "expected " + expected + " but was " + actual);
    }

    /**
     * Asserts a server frame whose {@code data} is a JSON-encoded string: the envelope without
     * {@code data} equals {@code envelope}, and the decoded {@code data} equals {@code data}.
     */
    static void assertStringData(String envelope, String data, JsonNode frame) {
        JsonNode rawData = frame.get("data");
        assertTrue(rawData != null && rawData.isTextual(), () -> "data must be a JSON string: " + frame);
        JsonNode withoutData = frame.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) withoutData).remove("data");
        assertJson(envelope, withoutData);
        assertJson(data, parse(rawData.asText()));
    }

    /** The decoded JSON of a frame's string {@code data}. */
    static JsonNode data(JsonNode frame) {
        JsonNode rawData = frame.get("data");
        assertTrue(rawData != null && rawData.isTextual(), () -> "data must be a JSON string: " + frame);
        return parse(rawData.asText());
    }

    /** Asserts {@code frame} is {@code pusher:error} with {@code code} (null for a code-less error). */
    static void assertError(Integer code, JsonNode frame) {
        assertEquals("pusher:error", frame.path("event").asText(), () -> "not an error: " + frame);
        JsonNode data = frame.get("data");
        assertTrue(data != null && data.isObject(), () -> "error data must be an object: " + frame);
        if (code == null) {
            assertTrue(data.get("code").isNull(), () -> "expected code null: " + frame);
        } else {
            assertEquals(code.intValue(), data.get("code").asInt(-1), () -> "code of " + frame);
            assertTrue(data.get("code").isInt(), () -> "code must be a number: " + frame);
        }
        assertTrue(data.path("message").isTextual() && !data.path("message").asText().isEmpty(),
                () -> "error needs a message: " + frame);
        assertEquals(2, data.size(), () -> "error data has only code and message: " + frame);
    }

    /** Asserts {@code frame} is {@code pusher:subscription_error} for {@code channel} with type and status. */
    static void assertSubscriptionError(String channel, String type, int status, JsonNode frame) {
        assertEquals("pusher:subscription_error", frame.path("event").asText(), () -> "not a subscription_error: " + frame);
        assertEquals(channel, frame.path("channel").asText(null), () -> "channel of " + frame);
        JsonNode data = frame.get("data");
        assertTrue(data != null && data.isObject(), () -> "data must be an object: " + frame);
        assertEquals(type, data.path("type").asText(null), () -> "type of " + frame);
        assertTrue(data.path("status").isInt(), () -> "status must be a number: " + frame);
        assertEquals(status, data.path("status").asInt(), () -> "status of " + frame);
        assertTrue(data.path("error").isTextual() && !data.path("error").asText().isEmpty(),
                () -> "subscription_error needs an error text: " + frame);
    }
}
