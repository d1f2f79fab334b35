package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the jar logs, read as an operator reads it: started with {@code --log-format json}, a
 * browser from an origin the app does not allow, a subscription with a bad signature and a
 * webhook receiver that is down each leave one line saying what happened and why; every line is
 * one JSON object; the app secret is nowhere in the output.
 */
class ServerLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void refusalsSubscriptionErrorsAndWebhookFailuresAreLoggedWithTheirReasonAndNeverTheSecret() throws Exception {
        int nobodyListens = Ports.free();
        try (ServerProcess server = ServerProcess.start("logs-json", List.of("--log-format", "json",
                "--allowed-origins", "https://app.example.com",
                "--webhook-url", "http://127.0.0.1:" + nobodyListens + "/hooks"))) {
            HttpClient http = HttpClient.newHttpClient();
            URI endpoint = URI.create("ws://127.0.0.1:" + server.port() + "/app/" + Target.APP_KEY + "?protocol=7");

            LinkedBlockingQueue<String> refused = new LinkedBlockingQueue<>();
            http.newWebSocketBuilder().header("Origin", "https://evil.example")
                    .buildAsync(endpoint, listener(refused)).join();
            String refusal = refused.poll(5, TimeUnit.SECONDS);
            assertTrue(refusal != null && refusal.contains("Origin not allowed"), refusal);

            LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket socket = http.newWebSocketBuilder().header("Origin", "https://app.example.com")
                    .buildAsync(endpoint, listener(messages)).join();
            assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("connection_established"));
            socket.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-orders\",\"auth\":\""
                    + Target.APP_KEY + ":0000\"}}", true).join();
            assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("subscription_error"));
            socket.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"orders\"}}", true).join();
            assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("subscription_succeeded")); // channel_occupied, posted

            Waits.until(() -> lines(server).stream().anyMatch(line -> line.path("formattedMessage").asText().startsWith("Webhook to")),
                    Duration.ofSeconds(10), () -> "no webhook failure logged:\n" + server.logTail());
            socket.abort();
            List<JsonNode> lines = lines(server);

            assertLogged(lines, "INFO", "Refused a connection to app key " + Target.APP_KEY
                    + " from origin https://evil.example: Origin not allowed (4009)");
            assertLogged(lines, "INFO", "Refused the subscription of ");
            JsonNode subscription = find(lines, "Refused the subscription of ");
            assertTrue(subscription.path("formattedMessage").asText().contains("to private-orders in app " + Target.APP_ID
                    + ": Invalid signature"), subscription::toString);
            assertLogged(lines, "WARN", "Webhook to 127.0.0.1 for app " + Target.APP_ID + " failed (connection refused); retrying 8 more times, first in 1 s");
            assertLogged(lines, "INFO", "broadcast-server listening on 127.0.0.1:" + server.port());
            String output = Files.readString(server.log(), StandardCharsets.UTF_8);
            assertFalse(output.contains(Target.APP_SECRET), "the app secret is in the output:\n" + output);
        }
    }

    /** Every line of the server's output, each of which must be one JSON object. */
    private static List<JsonNode> lines(ServerProcess server) {
        List<JsonNode> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(server.log(), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode json = JSON.readTree(line);
                assertTrue(json.isObject() && json.hasNonNull("level") && json.hasNonNull("loggerName")
                        && json.hasNonNull("timestamp"), line);
                lines.add(json);
            }
        } catch (IOException e) {
            throw new AssertionError("a line of the output is not JSON: " + e.getMessage() + "\n" + server.logTail(), e);
        }
        return lines;
    }

    private static void assertLogged(List<JsonNode> lines, String level, String start) {
        assertEquals(level, find(lines, start).path("level").asText(), start);
    }

    private static JsonNode find(List<JsonNode> lines, String start) {
        return lines.stream().filter(line -> line.path("formattedMessage").asText().startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with \"" + start + "\" in\n"
                        + lines.stream().map(JsonNode::toString).reduce("", (a, b) -> a + b + "\n")));
    }

    private static WebSocket.Listener listener(LinkedBlockingQueue<String> messages) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                messages.add(data.toString());
                webSocket.request(1);
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
