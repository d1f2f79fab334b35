package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The auth servlets of {@code broadcast-jakarta} in Jetty, over plain HTTP (java.net.http): what
 * the real clients of {@link JettyConformanceTest} never send (other methods, oversized, chunked
 * or unsupported bodies, a form a filter already read), and the exact bytes and headers of the
 * answers, signed here with the tests' own HMAC.
 */
@DisplayName("Auth servlets in Jetty 12 ee10")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthServletsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String SOCKET = "1234.5678";
    private static final String ACCOUNT = "private-account.alice.run";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private JettyTarget target;
    private String base;

    @BeforeAll
    void start() throws Exception {
        target = new JettyTarget(Ports.free());
        base = "http://" + target.host() + ":" + target.port();
    }

    @AfterAll
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    private HttpResponse<String> post(String path, String user, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).POST(body);
        if (user != null) {
            request.header(JettyTarget.USER_HEADER, user);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    private HttpResponse<String> post(String path, String user, String contentType, String body) {
        return post(path, user, contentType, HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertAnswer(int status, String body, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals(body, response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
    }

    private static String auth(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Target.APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Target.APP_KEY + ":" + HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String privateAnswer() {
        return "{\"auth\":\"" + auth(SOCKET + ":" + ACCOUNT) + "\"}";
    }

    @Test
    void formAsPusherJsSendsIt() {
        assertAnswer(200, privateAnswer(), post("/broadcasting/auth", "alice", FORM,
                "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT));
    }

    @Test
    void jsonBody() {
        assertAnswer(200, privateAnswer(), post("/broadcasting/auth", "alice", "application/json",
                "{\"socket_id\":\"" + SOCKET + "\",\"channel_name\":\"" + ACCOUNT + "\"}"));
    }

    @Test
    void chunkedBodyWithoutContentLength() {
        byte[] form = ("socket_id=" + SOCKET + "&channel_name=" + ACCOUNT).getBytes(StandardCharsets.UTF_8);
        assertAnswer(200, privateAnswer(), post("/broadcasting/auth", "alice", FORM,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form))));
    }

    @Test
    void formAlreadyReadByAFilter() {
        assertAnswer(200, privateAnswer(), post(JettyTarget.FILTERED_PREFIX + "/broadcasting/auth", "alice", FORM,
                "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT));
    }

    @Test
    void presenceAnswerCarriesTheChannelDataItSigned() throws IOException {
        String channel = "presence-room.run";
        JsonNode answer = JSON.readTree(post("/broadcasting/auth", "bob", FORM,
                "socket_id=" + SOCKET + "&channel_name=" + channel).body());
        String channelData = "{\"user_id\":\"bob\",\"user_info\":{\"name\":\"Bob\"}}";
        assertEquals(channelData, answer.path("channel_data").asText());
        assertEquals(auth(SOCKET + ":" + channel + ":" + channelData), answer.path("auth").asText());
    }

    @Test
    void encryptedAnswerCarriesTheSharedSecret() throws Exception {
        String channel = "private-encrypted-vault.alice.run";
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(channel.getBytes(StandardCharsets.UTF_8));
        String sharedSecret = Base64.getEncoder().encodeToString(
                sha256.digest(Base64.getDecoder().decode(JettyTarget.ENCRYPTION_MASTER_KEY_BASE64)));
        assertAnswer(200, "{\"auth\":\"" + auth(SOCKET + ":" + channel) + "\",\"shared_secret\":\"" + sharedSecret + "\"}",
                post("/broadcasting/auth", "alice", FORM, "socket_id=" + SOCKET + "&channel_name=" + channel));
    }

    @Test
    void userAuthentication() {
        String userData = "{\"id\":\"alice\",\"user_info\":{\"name\":\"Alice\"}}";
        assertAnswer(200, "{\"auth\":\"" + auth(SOCKET + "::user::" + userData) + "\",\"user_data\":"
                + JSON.valueToTree(userData) + "}", post("/broadcasting/user-auth", "alice", FORM, "socket_id=" + SOCKET));
    }

    @Test
    void nobodySignedInOrDeniedIsForbidden() {
        String forbidden = "{\"error\":\"Forbidden\"}";
        assertAnswer(403, forbidden, post("/broadcasting/auth", null, FORM, "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT));
        assertAnswer(403, forbidden, post("/broadcasting/auth", "bob", FORM, "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT));
        assertAnswer(403, forbidden, post("/broadcasting/auth", "mallory", FORM,
                "socket_id=" + SOCKET + "&channel_name=presence-room.run"));
        assertAnswer(403, forbidden, post("/broadcasting/user-auth", null, FORM, "socket_id=" + SOCKET));
    }

    @Test
    void badInputIsABadRequest() {
        assertAnswer(400, "{\"error\":\"socket_id must look like 1234.5678\"}",
                post("/broadcasting/auth", "alice", FORM, "socket_id=abc&channel_name=" + ACCOUNT));
        assertAnswer(400, "{\"error\":\"channel_name is missing\"}",
                post("/broadcasting/auth", "alice", FORM, "socket_id=" + SOCKET));
        assertAnswer(400, "{\"error\":\"Public channels need no authorization: news\"}",
                post("/broadcasting/auth", "alice", FORM, "socket_id=" + SOCKET + "&channel_name=news"));
        assertAnswer(400, "{\"error\":\"Malformed JSON body\"}",
                post("/broadcasting/auth", "alice", "application/json", "{"));
    }

    @Test
    void otherMethodsAreNotAllowed() {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            for (String path : new String[] {"/broadcasting/auth", "/broadcasting/user-auth"}) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build());
                assertAnswer(405, "{\"error\":\"Use POST\"}", response);
                assertEquals("POST", response.headers().firstValue("Allow").orElse(null), method + " " + path);
            }
        }
    }

    @Test
    void unsupportedContentType() {
        assertAnswer(415, "{\"error\":\"Content-Type must be application/x-www-form-urlencoded or application/json\"}",
                post("/broadcasting/auth", "alice", "text/plain", "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT));
    }

    @Test
    void bodyOverEightKibibytes() {
        String tooLarge = "{\"error\":\"Request body is larger than 8192 bytes\"}";
        String padded = "socket_id=" + SOCKET + "&channel_name=" + ACCOUNT + "&pad=" + "x".repeat(9000);
        assertAnswer(413, tooLarge, post("/broadcasting/auth", "alice", FORM, padded));
        byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);
        assertAnswer(413, tooLarge, post("/broadcasting/auth", "alice", FORM,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        assertAnswer(413, tooLarge, post("/broadcasting/user-auth", "alice", FORM, padded));
    }
}
