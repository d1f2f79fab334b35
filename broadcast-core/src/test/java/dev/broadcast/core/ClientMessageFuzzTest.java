package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.transport.CloseCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the protocol message parser ({@link Json#parse}) and the dispatch of what a client sends
 * on a connection ({@code ClientConnection.receive}). Regression inputs:
 * {@code src/test/resources/dev/broadcast/core/ClientMessageFuzzTestInputs/}; see docs/fuzzing.md.
 *
 * <p>The input is UTF-8 text, one client message a line. So that the fuzzer reaches the signed
 * paths, {@code $auth} in a line is replaced by the signature the host application would give for
 * that subscription or signin.
 */
class ClientMessageFuzzTest {

    /** Small, so that the fuzzer reaches every limit. */
    private static final Limits LIMITS = new Limits(400, 200, 40, 3, 2, 2, 64, 16, 3, 1 << 20, Duration.ofSeconds(600), 4);
    private static final int MAX_MESSAGES = 16;

    /**
     * Each message is parsed as one JSON document or refused with an {@link IOException}, and what
     * it parses to writes back as JSON that reads the same. On the connection, nothing is thrown;
     * every frame written is a JSON object with a string {@code event} (checked by
     * {@link FakeTransport}); a message over the size limit closes with 1009 and no answer; one
     * that is not a JSON object with a string event, or names an unknown event, is answered with
     * exactly one {@code pusher:error}; a ping with exactly one pong. The subscriptions follow the
     * answers: a subscription is added only with {@code subscription_succeeded} (or, for the
     * signed-in user's {@code #} channel, silently) and never alongside an error, removed only by
     * an unsubscribe of a channel it holds, and all released on close, so that the hub's count is
     * always the observer's plus this connection's. Another connection on the same channels
     * receives a client event only on a channel the sender holds.
     */
    @FuzzTest(maxDuration = "10s")
    void connectionAnswersEveryMessageConsistently(byte[] input) {
        String[] messages = new String(input, StandardCharsets.UTF_8).split("\n", MAX_MESSAGES);
        try (Fixture fixture = Fixture.create(b -> b.clientEvents(true).limits(LIMITS))) {
            FixtureClient observer = fixture.connect();
            observer.subscribe("private-room");
            observer.subscribePresence("presence-room", "{\"user_id\":\"observer\"}");
            int observed = fixture.hub.stats().subscriptions();
            FixtureClient client = fixture.connect();
            Set<String> held = new HashSet<>();
            for (String raw : messages) {
                String text = signed(client, raw);
                JsonNode message = parsed(text);
                boolean wasOpen = client.isOpen();
                int observerMark = observer.mark();
                int before = fixture.hub.stats().subscriptions();

                List<JsonNode> answer = client.send(text);

                int delta = fixture.hub.stats().subscriptions() - before;
                answer.forEach(ClientMessageFuzzTest::assertWellFormed);
                if (!wasOpen) {
                    assertEquals(List.of(), answer, "a closed connection answered");
                    assertEquals(0, delta);
                    continue;
                }
                String event = message != null && message.isObject() ? Json.text(message, "event") : null;
                if (Json.utf8Length(text) > LIMITS.maxMessageBytes()) {
                    assertFalse(client.isOpen(), "a message over the limit must close the connection");
                    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.transport.closeCode());
                    assertEquals(List.of(), answer, "a message over the limit is not answered");
                } else if (event == null) {
                    assertOneError(answer);
                } else if (event.equals("pusher:ping")) {
                    assertEquals(List.of(Wire.parse("{\"event\":\"pusher:pong\",\"data\":{}}")), answer);
                } else if (event.equals("pusher:subscribe")) {
                    String channel = Json.text(data(message), "channel");
                    boolean refused = answer.stream().anyMatch(f -> isError(f));
                    boolean succeeded = answer.stream().anyMatch(f -> isSucceeded(f, channel));
                    assertFalse(refused && succeeded, () -> "both refused and subscribed: " + answer);
                    if (delta == 1) {
                        assertFalse(refused, () -> "subscribed although refused: " + answer);
                        assertTrue(succeeded || channel.startsWith("#"), () -> "subscribed without saying so: " + answer);
                        assertTrue(held.add(channel), "subscribed twice to " + channel);
                    } else {
                        assertEquals(0, delta, "one subscribe changed the count by " + delta);
                        assertTrue(!succeeded || held.contains(channel), () -> "succeeded without subscribing: " + answer);
                    }
                } else if (event.equals("pusher:unsubscribe")) {
                    String channel = Json.text(data(message), "channel");
                    assertEquals(channel != null && held.remove(channel) ? -1 : 0, delta, "unsubscribe of " + channel);
                } else if (event.equals("pusher:signin") || event.equals("pusher:pong") || event.startsWith("client-")) {
                    assertTrue(delta <= 0, "subscribed by " + event);
                } else {
                    assertOneError(answer);
                }
                if (!client.isOpen()) {
                    held.clear();
                }
                for (JsonNode frame : observer.since(observerMark)) {
                    if (frame.path("event").asText().startsWith("client-")) {
                        assertTrue(held.contains(frame.path("channel").asText()),
                                () -> "client event delivered on a channel the sender does not hold: " + frame);
                    }
                }
                assertEquals(observed + held.size(), fixture.hub.stats().subscriptions(),
                        () -> "the hub's subscriptions do not follow the answers; held " + held);
            }
        }
    }

    /** What the engine's parser makes of {@code text}, checked; null when it refuses it. */
    private static JsonNode parsed(String text) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (IOException refused) {
            return null;
        }
        assertNotNull(node);
        assertFalse(node.isMissingNode());
        assertEquals(node, Wire.parse(Json.write(node)), () -> "does not write back as it read: " + text);
        return node;
    }

    /** The message's data as the connection reads it: an object, or a JSON string of one. */
    private static JsonNode data(JsonNode message) {
        JsonNode data = message.get("data");
        if (data != null && data.isTextual()) {
            try {
                return Json.parse(data.asText());
            } catch (IOException e) {
                return null;
            }
        }
        return data;
    }

    /** {@code raw} with {@code $auth} replaced by the signature of its subscription or signin. */
    private static String signed(FixtureClient client, String raw) {
        if (!raw.contains("$auth")) {
            return raw;
        }
        JsonNode message;
        try {
            message = Json.parse(raw);
        } catch (IOException e) {
            return raw;
        }
        JsonNode data = data(message);
        String channel = Json.text(data, "channel");
        String channelData = Json.text(data, "channel_data");
        String userData = Json.text(data, "user_data");
        String auth;
        if ("pusher:signin".equals(Json.text(message, "event")) && userData != null) {
            auth = Crypto.signinAuth(Fixture.KEY, Fixture.SECRET, client.socketId(), userData);
        } else if (channel != null && channelData != null) {
            auth = client.presenceAuth(channel, channelData);
        } else if (channel != null) {
            auth = client.auth(channel);
        } else {
            return raw;
        }
        return raw.replace("$auth", auth);
    }

    private static void assertWellFormed(JsonNode frame) {
        assertTrue(frame.isObject() && frame.path("event").isTextual(), () -> "not an event frame: " + frame);
        if (isError(frame)) {
            JsonNode data = frame.path("data");
            String text = data.path(frame.path("event").asText().equals("pusher:error") ? "message" : "error").asText();
            assertFalse(text.isEmpty(), () -> "an error without a message: " + frame);
        }
    }

    private static void assertOneError(List<JsonNode> answer) {
        assertEquals(1, answer.size(), () -> "expected one pusher:error: " + answer);
        assertEquals("pusher:error", answer.get(0).path("event").asText(), () -> "expected one pusher:error: " + answer);
    }

    private static boolean isError(JsonNode frame) {
        String event = frame.path("event").asText();
        return event.equals("pusher:error") || event.equals("pusher:subscription_error");
    }

    private static boolean isSucceeded(JsonNode frame, String channel) {
        return frame.path("event").asText().equals("pusher_internal:subscription_succeeded")
                && frame.path("channel").asText().equals(channel);
    }
}
