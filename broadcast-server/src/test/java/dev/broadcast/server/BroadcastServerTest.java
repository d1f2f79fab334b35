package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.config.App;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The standalone server in-process: health, handshake, refusal after upgrade, shutdown with 4200. */
class BroadcastServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static BroadcastServer start() throws Exception {
        return BroadcastServer.start(new ServerOptions("127.0.0.1", 0,
                List.of(App.builder("app-id", "app-key", "app-secret").build()), false));
    }

    @Test
    void upAnswersHealthOk() throws Exception {
        try (BroadcastServer server = start()) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/up")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("{\"health\":\"OK\"}", response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void connectionIsEstablishedThenClosedWith4200OnShutdown() throws Exception {
        BroadcastServer server = start();
        Client client = Client.connect(server.port(), "app-key");
        try {
            String first = client.next();
            assertTrue(first.startsWith("{\"event\":\"pusher:connection_established\""), first);
            assertTrue(first.matches(".*socket_id\\\\\":\\\\\"\\d+\\.\\d+\\\\\".*"), first);
            assertEquals(1, server.hub().stats().connections());
        } finally {
            server.close();
        }
        server.close(); // again: nothing happens
        assertEquals(4200, client.closeCode.get(5, TimeUnit.SECONDS));
        // The pusher:error goes first only when no write is in flight (the engine never waits behind
        // one to close); connection_established's completion can still be pending here.
        String error = client.frames.poll();
        if (error != null) {
            assertEquals("{\"event\":\"pusher:error\",\"data\":{\"code\":4200,\"message\":"
                    + "\"Server is shutting down; reconnect shortly\"}}", error);
        }
        assertNull(client.frames.poll(), "nothing after the close");
    }

    @Test
    void unknownKeyIsRefusedAfterTheUpgradeWith4001() throws Exception {
        try (BroadcastServer server = start()) {
            Client client = Client.connect(server.port(), "no-such-key");
            assertEquals("{\"event\":\"pusher:error\",\"data\":{\"code\":4001,\"message\":\"Application does not exist\"}}",
                    client.next());
            assertEquals(4001, client.closeCode.get(5, TimeUnit.SECONDS));
        }
    }

    /** A JDK WebSocket client that collects text frames and the close code. */
    private static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        static Client connect(int port, String key) throws Exception {
            Client client = new Client();
            HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/app/" + key + "?protocol=7"), client)
                    .get(5, TimeUnit.SECONDS);
            return client;
        }

        String next() throws InterruptedException {
            String frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 5 s");
            }
            return frame;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
