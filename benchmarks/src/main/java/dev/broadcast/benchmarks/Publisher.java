package dev.broadcast.benchmarks;

import dev.broadcast.core.internal.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends one benchmark event; {@code data} is the 100-byte payload. Called from one thread. */
interface Publisher extends AutoCloseable {

    String CHANNEL = "bench";
    String EVENT = "bench";

    /** Publishes; returns false if the server refused it. */
    boolean publish(String data) throws Exception;

    @Override
    default void close() {
    }

    /** The signed Pusher HTTP API: POST /apps/{id}/events, signed as the project's PusherDriver signs. */
    final class HttpApi implements Publisher {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String base;
        private final String appId;
        private final String key;
        private final String secret;
        private int refusals;

        HttpApi(String host, int port, String appId, String key, String secret) {
            this.base = "http://" + host + ":" + port;
            this.appId = appId;
            this.key = key;
            this.secret = secret;
        }

        @Override
        public boolean publish(String data) throws Exception {
            byte[] body = ("{\"name\":\"" + EVENT + "\",\"channel\":\"" + CHANNEL + "\",\"data\":\"" + data + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            String path = "/apps/" + appId + "/events";
            String params = "auth_key=" + key + "&auth_timestamp=" + System.currentTimeMillis() / 1000
                    + "&auth_version=1.0&body_md5=" + Signatures.md5Hex(body);
            String signature = Signatures.hmacHex(secret, "POST\n" + path + "\n" + params);
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path + "?" + params + "&auth_signature=" + signature))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                if (refusals++ < 3) {
                    System.err.println("publisher: " + response.statusCode() + " " + response.body());
                }
                return false;
            }
            return true;
        }
    }

    /** The baseline's /pub WebSocket: the complete Pusher event frame text, forwarded verbatim. */
    final class RawWebSocket implements Publisher {
        private final WebSocket socket;

        RawWebSocket(URI uri) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() { }).get();
        }

        @Override
        public boolean publish(String data) throws Exception {
            socket.sendText("{\"event\":\"" + EVENT + "\",\"channel\":\"" + CHANNEL + "\",\"data\":\"" + data + "\"}", true).get();
            return true;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
