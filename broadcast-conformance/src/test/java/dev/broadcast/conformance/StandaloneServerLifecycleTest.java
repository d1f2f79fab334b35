package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only the standalone process has: {@code GET /up}, and SIGTERM closing every client with
 * 4200 (reconnect at once) before the process exits. Its own server process, not the shared one.
 */
@DisplayName("Standalone server: health and SIGTERM")
class StandaloneServerLifecycleTest {

    @Test
    @DisplayName("11. GET /up is 200 {\"health\":\"OK\"}; SIGTERM closes clients with 4200 and exits within 10 s")
    void healthAndGracefulShutdown() throws Exception {
        try (ServerProcess server = ServerProcess.start("server-lifecycle", List.of())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(server.upUri()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode(), up::body);
            assertEquals(new ObjectMapper().readTree("{\"health\":\"OK\"}"), new ObjectMapper().readTree(up.body()), up::body);

            try (TestClient client = TestClient.connect(URI.create("ws://127.0.0.1:" + server.port()), Target.APP_KEY)) {
                Process process = server.process();
                long start = System.nanoTime();
                process.destroy(); // SIGTERM on Linux
                try {
                    client.waits(Duration.ofSeconds(10), client.quietPeriod()).assertClosed(4200);
                } catch (AssertionError e) {
                    throw new AssertionError("after SIGTERM: " + e.getMessage() + "\n" + server.logTail(), e);
                }
                long remaining = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - start);
                if (!process.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                    fail("the server is still running 10 s after SIGTERM\n" + server.logTail());
                }
                assertTrue(!process.isAlive());
            }
        }
    }
}
