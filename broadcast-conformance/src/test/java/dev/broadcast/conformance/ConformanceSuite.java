package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.HubStats;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance scenarios, written once: every test runs a script of {@code src/test/node}
 * (real pusher-js, laravel-echo and pusher Node SDK) against the {@link Target} a subclass starts,
 * one target per class. After each scenario the target must hold no connection and no channel.
 * They run in their numbered order (no scenario depends on another; the order only makes reports
 * read like the list, and keeps the HTTP/2-upgrade probe, which can tie up server threads, last).
 * Subclasses may add scenarios only their target can run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConformanceSuite {

    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(5);

    private Target target;
    private int webhookPort;

    /** Starts the target, its webhooks posted to {@code http://127.0.0.1:{webhookPort}/hooks}. */
    protected abstract Target start(int webhookPort) throws Exception;

    @BeforeAll
    void startTarget() throws Exception {
        NodeRunner.requireInstalled();
        webhookPort = Ports.free();
        target = start(webhookPort);
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        Waits.until(() -> target.connections() == 0 && target.channels() == 0, CLEANUP_TIMEOUT,
                () -> "the clients of the last scenario are gone, yet " + target.name() + " still counts "
                        + target.connections() + " connection(s) and " + target.channels() + " channel(s)\n"
                        + target.diagnostics());
    }

    /**
     * Stock pusher-js allowed only its HTTP transport {@code transport} ({@code xhr_streaming} or
     * {@code xhr_polling}) against the target's {@code /pusher} endpoints: it connects and says
     * so; public, private, presence and encrypted channels; presence shared with a WebSocket
     * client; signin and sendToUser; 400 KB of events in order; whispers both ways; a client whose
     * network freezes leaving presence by the session timeout; and a disconnect seen by the
     * WebSocket client (see {@code http-transports.mjs}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"xhr_streaming", "xhr_polling"})
    @Order(50)
    @DisplayName("50. pusher-js over its HTTP transports: channels, presence with a WebSocket peer, signin, 400 KB in order, whispers, a vanished client leaving")
    void pusherJsOverHttpTransport(String transport) {
        JsonNode json = scenario("http-transports.mjs", Map.of("HTTP_TRANSPORT", transport, "SCENARIO_TIMEOUT_MS", "50000",
                "SESSION_TIMEOUT_MS", String.valueOf(Target.HTTP_SESSION_TIMEOUT_SECONDS * 1000)));
        assertEquals(transport, json.path("transport").asText(), json::toString);
        for (String type : List.of("public", "private", "presence", "encrypted")) {
            assertEquals("hello " + type + " é✓", json.path("received").path(type).asText(), json::toString);
        }
        assertEquals("[\"h\",\"w\"]", json.path("presence").toString(), json::toString);
        assertEquals("hi", json.path("note").asText(), json::toString);
        assertEquals(50, json.path("events").asInt(), json::toString);
        assertEquals("v", json.path("vanished").asText(), json::toString);
        assertEquals("h", json.path("left").asText(), "the WebSocket client saw the HTTP member leave");
    }

    /**
     * laravel-echo in headless Chromium on a page without {@code window.WebSocket}: it falls back
     * to an HTTP transport by itself and the page shows three events; the screenshot is saved in
     * {@code target/screenshots}.
     */
    @Test
    @Order(51)
    @DisplayName("51. laravel-echo in headless Chromium, WebSockets unavailable: falls back to HTTP by itself; screenshot")
    void echoInChromiumWithoutWebSockets() {
        JsonNode json = scenario("browser-fallback.mjs", Map.of("SCREENSHOT_DIR",
                java.nio.file.Path.of("target", "screenshots").toAbsolutePath().toString(), "TARGET_NAME", target.name(),
                "SCENARIO_TIMEOUT_MS", "35000"));
        assertTrue(json.path("transport").asText().startsWith("xhr_"), json::toString);
        assertEquals(3, json.path("items").size(), json::toString);
        assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(json.path("screenshot").asText())), json::toString);
    }

    /** Runs {@code script} against the target and returns its final JSON line; fails on a non-zero exit. */
    protected JsonNode scenario(String script) {
        return scenario(script, Map.of());
    }

    /** {@link #scenario(String)} with more environment variables for the script. */
    protected JsonNode scenario(String script, Map<String, String> extraEnv) {
        NodeRunner.Result result = NodeRunner.run(target.name(), script, scenarioEnv(extraEnv));
        if (result.exitCode() != 0 || result.json() == null || !result.json().path("ok").asBoolean()) {
            throw new AssertionError("Scenario " + script + " failed against " + target.name() + "\n"
                    + result.transcript() + "\n" + target.diagnostics());
        }
        return result.json();
    }

    @Test
    @Order(1)
    @DisplayName("1. pusher-js connects; socket_id matches ^\\d+\\.\\d+$")
    void connects() {
        JsonNode json = scenario("connect.mjs");
        assertTrue(json.path("socketId").asText().matches("\\d+\\.\\d+"), json::toString);
    }

    @Test
    @Order(2)
    @DisplayName("2. public, private, presence and encrypted channels receive SDK-triggered events")
    void channelsReceiveTriggeredEvents() {
        JsonNode received = scenario("channels.mjs").path("received");
        for (String type : List.of("public", "private", "presence", "encrypted")) {
            assertEquals("hello " + type + " é✓", received.path(type).path("text").asText(), () -> type + " in " + received);
        }
    }

    @Test
    @Order(3)
    @DisplayName("3. Echo presence: two tabs of one user are one member (here/joining/leaving)")
    void presenceWithEchoCountsUsersNotTabs() {
        JsonNode json = scenario("presence-echo.mjs");
        assertEquals(2, json.path("hereBob").size(), json::toString);
        assertEquals(1, json.path("leavingOnBob").size(), json::toString);
    }

    @Test
    @Order(4)
    @DisplayName("4. trigger with socket_id skips that connection; triggerBatch delivers every event")
    void socketIdExclusionAndBatches() {
        JsonNode json = scenario("exclusion-batch.mjs");
        assertEquals(0, json.path("excluded").path("sender").size(), json::toString);
        assertEquals(4, json.path("batch").path("other").size(), json::toString);
    }

    @Test
    @Order(5)
    @DisplayName("5. whispers reach the others on private/presence, never the sender; refused with 4301 on public")
    void whispers() {
        JsonNode json = scenario("whisper.mjs");
        assertEquals(4301, json.path("public").path("error").path("code").asInt(), json::toString);
        assertEquals("alice", json.path("presence").path("metadata").path(0).path("user_id").asText(), json::toString);
    }

    @Test
    @Order(6)
    @DisplayName("6. signin, then sendToUser reaches pusher.user")
    void signinAndSendToUser() {
        JsonNode json = scenario("signin.mjs");
        assertEquals("#server-to-user-42", json.path("userChannel").asText(), json::toString);
        assertEquals("hi Ann", json.path("notes").path(0).path("text").asText(), json::toString);
    }

    @Test
    @Order(7)
    @DisplayName("7. a wrong signature gives a subscription_error that Echo's .error() receives")
    void wrongSignatureReachesEchoError() {
        JsonNode json = scenario("bad-signature.mjs");
        assertEquals(401, json.path("errors").path("private").path(0).path("status").asInt(), json::toString);
        assertEquals(401, json.path("errors").path("presence").path(0).path("status").asInt(), json::toString);
    }

    @Test
    @Order(8)
    @DisplayName("8. an unknown app key ends in 4001 and pusher-js does not reconnect")
    void unknownKeyIsRefusedWithoutReconnects() {
        long closedBefore = closes(4001);
        JsonNode json = scenario("unknown-key.mjs");
        assertEquals(1, json.path("connectingPhases").asInt(), json::toString);
        assertTrue(StreamSupport.stream(json.path("codes").spliterator(), false).anyMatch(c -> c.asInt() == 4001),
                json::toString);
        target.hubStats().ifPresent(stats -> assertEquals(closedBefore + 1, closes(4001),
                () -> "the hub counts exactly one server close with 4001: " + target.hubStats().orElseThrow()));
    }

    @Test
    @Order(9)
    @DisplayName("9. the SDK's channel queries return the right counts")
    void channelQueries() {
        JsonNode json = scenario("channel-info.mjs");
        assertEquals(2, json.path("presenceInfo").path("user_count").asInt(), json::toString);
        assertEquals(3, json.path("presenceInfo").path("subscription_count").asInt(), json::toString);
    }

    @Test
    @Order(10)
    @DisplayName("10. webhooks validate with the SDK and cover occupied/vacated/member/client events")
    void webhooks() {
        long sentBefore = target.hubStats().map(HubStats::webhooksSent).orElse(0L);
        JsonNode json = scenario("webhooks.mjs", Map.of("WEBHOOK_PORT", String.valueOf(webhookPort)));
        List<String> names = StreamSupport.stream(json.path("names").spliterator(), false).map(JsonNode::asText).toList();
        assertTrue(names.containsAll(List.of("channel_occupied", "channel_vacated", "member_added", "member_removed",
                "client_event")), names::toString);
        target.hubStats().ifPresent(stats -> assertTrue(stats.webhooksSent() > sentBefore,
                () -> "the hub counts the webhooks it delivered: " + stats));
    }

    @Test
    @Order(Integer.MAX_VALUE) // last, also after the scenarios subclasses add
    @DisplayName("12. the HTTP API answers java.net.http's default requests (HTTP/2 preferred: an h2c upgrade offer)")
    void httpApiAnswersH2cUpgradeOffers() {
        SignedApi api = target.tls() ? SignedApi.overTls(target.host(), target.port(), HttpClient.Version.HTTP_2)
                : new SignedApi(target.host(), target.port(), HttpClient.Version.HTTP_2);
        assertAll(
                () -> assertEquals("OK", api.getPath("/up").path("health").asText()),
                () -> assertTrue(api.get("/channels").path("channels").isObject()),
                () -> assertTrue(api.trigger("h2c-" + UUID.randomUUID(), "ping", "{}").isObject()));
    }

    private long closes(int code) {
        return target.hubStats().map(s -> s.closesByCode().getOrDefault(code, 0L)).orElse(0L);
    }

    /** What a scenario is told about the target (lib.mjs), with {@code extraEnv}. */
    protected Map<String, String> scenarioEnv(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("TARGET_HOST", target.host());
        env.put("TARGET_PORT", String.valueOf(target.port()));
        env.put("APP_ID", Target.APP_ID);
        env.put("APP_KEY", Target.APP_KEY);
        env.put("APP_SECRET", Target.APP_SECRET);
        env.put("RUN_ID", target.name() + "-" + UUID.randomUUID().toString().substring(0, 8));
        if (target.tls()) {
            env.put("TARGET_TLS", "1");
            env.put("NODE_EXTRA_CA_CERTS", ConformanceTls.ca().caFile().toString());
            env.put("TARGET_CERT", ConformanceTls.server().cert().toString());
        }
        return env;
    }

    /** The target, for subclasses' own checks. */
    protected Target target() {
        assertNotNull(target, "target not started");
        return target;
    }
}
