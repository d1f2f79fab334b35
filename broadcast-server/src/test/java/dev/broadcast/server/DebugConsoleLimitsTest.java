package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The debug console's bounds: failed logins a minute, JSON-only posts, the session cookie. */
class DebugConsoleLimitsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void tenFailedLoginsAMinuteAreAnsweredAndTheEleventhIsRefused() throws Exception {
        try (BroadcastServer server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--console"},
                Map.of()))) {
            List<Integer> statuses = new ArrayList<>();
            long minute;
            do { // the count is per minute of the clock: start again if one began meanwhile
                minute = System.currentTimeMillis() / 60_000;
                statuses.clear();
                for (int i = 0; i <= DebugConsole.FAILED_LOGINS_PER_MINUTE; i++) {
                    statuses.add(login(server, "app-key", "wrong-" + i).statusCode());
                }
                statuses.add(login(server, "app-key", "app-secret").statusCode());
            } while (minute != System.currentTimeMillis() / 60_000);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < DebugConsole.FAILED_LOGINS_PER_MINUTE; i++) {
                expected.add(401);
            }
            expected.add(429); // the eleventh
            expected.add(429); // and the right secret too, for the rest of the minute
            assertEquals(expected, statuses);
        }
    }

    @Test
    void theApiNeedsTheSessionCookieAndJsonPosts() throws Exception {
        try (BroadcastServer server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--console"},
                Map.of()))) {
            assertEquals(401, get(server, "/console/api/state", null).statusCode(), "no cookie");
            assertEquals(401, get(server, "/console/api/state", "broadcast_console=forged").statusCode(), "an unknown session");
            HttpResponse<String> login = login(server, "app-key", "app-secret");
            assertEquals(200, login.statusCode());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertEquals(true, setCookie.toLowerCase().contains("httponly") && setCookie.contains("SameSite=Strict")
                    && setCookie.contains("Path=/console"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertEquals(200, get(server, "/console/api/state", cookie).statusCode());
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/console/api/trigger")).header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("channel=x&event=y&data=z")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode(), "a form post, as another site could send");
        }
    }

    private HttpResponse<String> login(BroadcastServer server, String key, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/console/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"secret\":\"" + secret + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(BroadcastServer server, String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
