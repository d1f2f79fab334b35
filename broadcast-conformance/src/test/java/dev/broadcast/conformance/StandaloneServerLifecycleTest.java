package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

            Client client = new Client();
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/app/" + Target.APP_KEY
                    + "?protocol=7&client=java&version=1.0");
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, client).get(10, TimeUnit.SECONDS);
            Waits.until(() -> client.messages.stream().anyMatch(m -> m.contains("pusher:connection_established")),
                    Duration.ofSeconds(5), () -> "connection_established; got " + client.messages + "\n" + server.logTail());

            Process process = server.process();
            long start = System.nanoTime();
            process.destroy(); // SIGTERM on Linux
            int code;
            try {
                code = client.closed.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no close frame within 10 s of SIGTERM; messages " + client.messages
                        + "\n" + server.logTail(), e);
            } catch (ExecutionException e) {
                throw new AssertionError("the WebSocket failed instead of closing with 4200 after SIGTERM: " + e.getCause()
                        + "; messages " + client.messages + "\n" + server.logTail(), e);
            }
            assertEquals(4200, code, () -> "close code after SIGTERM; messages " + client.messages + "\n" + server.logTail());
            long remaining = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - start);
            if (!process.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                fail("the server is still running 10 s after SIGTERM\n" + server.logTail());
            }
            assertTrue(!process.isAlive());
        }
    }

    /** Collects text frames and completes {@link #closed} with the close status code. */
    private static final class Client implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
