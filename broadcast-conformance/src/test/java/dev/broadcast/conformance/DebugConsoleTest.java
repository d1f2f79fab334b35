package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The debug console of the jar ({@code --console}) in real headless Chromium ({@code console.mjs}),
 * and {@code /console} answering 404 when the console is off.
 */
class DebugConsoleTest {

    @Test
    void theConsoleListsAClientShowsEventsLiveAndSendsOne() {
        try (ServerProcess server = ServerProcess.start("console", List.of("--console"))) {
            Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
            NodeRunner.Result result = NodeRunner.run("console", "console.mjs", Map.of(
                    "TARGET_HOST", "127.0.0.1", "TARGET_PORT", String.valueOf(server.port()),
                    "APP_ID", Target.APP_ID, "APP_KEY", Target.APP_KEY, "APP_SECRET", Target.APP_SECRET,
                    "RUN_ID", "console-" + UUID.randomUUID().toString().substring(0, 8),
                    "SCREENSHOT_DIR", screenshots.toString(), "SCENARIO_TIMEOUT_MS", "40000"));
            JsonNode json = result.json();
            assertTrue(result.exitCode() == 0 && json != null && json.path("ok").asBoolean(),
                    () -> result.transcript() + "\n" + server.logTail());
            assertEquals("Wrong key or secret", json.path("refused").asText());
            assertEquals("ada", json.path("members").asText());
            assertTrue(json.path("tailMs").asLong() <= 1000, json::toString);
            assertEquals("hello", json.path("received").path("message").asText(), "the form's default data reached the client");
            assertTrue(json.path("sendResult").asText().startsWith("Sent: reached 1 connection"), json::toString);
            json.path("screenshots").forEach(file -> assertTrue(Files.isRegularFile(Path.of(file.asText())), file::asText));
            System.out.println("console: " + json);
        }
    }

    @Test
    void withoutTheOptionThereIsNoConsole() throws Exception {
        try (ServerProcess server = ServerProcess.start("no-console", List.of())) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/console", "/console/console.js", "/console/api/state")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(404, response.statusCode(), path);
            }
        }
    }
}
