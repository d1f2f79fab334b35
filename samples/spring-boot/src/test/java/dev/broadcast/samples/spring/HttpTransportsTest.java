package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * pusher-js's HTTP transports in the shop's embedded container, as the starter mounts them at
 * {@code /pusher/*}: a poll opens a session, the next gets its {@code connection_established},
 * and a send for a session that does not exist is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HttpTransportsTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pollsOpenASessionAndCarryItsFrames() throws Exception {
        String session = "/pusher/app/shop-key/7/abcdefgh";
        HttpResponse<String> open = post(session + "/xhr?protocol=7", "");
        assertEquals(200, open.statusCode());
        assertEquals("o\n", open.body());
        HttpResponse<String> established = post(session + "/xhr?protocol=7", "");
        assertTrue(established.body().startsWith("a[") && established.body().contains("pusher:connection_established"),
                established.body());
        assertEquals(204, post(session + "/xhr_send", "[]").statusCode(), "a ping");
        HttpResponse<String> unknown = post("/pusher/app/shop-key/7/zzzzzzzz/xhr_send", "[]");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().startsWith("{\"error\":"), unknown.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
