package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.config.App;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AuthEndpoint}: every answer byte for byte, signed with the tests' own {@link Crypto}
 * and, where the protocol notes (§3) or the pusher Node SDK 5.3.4 give one, checked against that
 * vector; every refusal with its status and body.
 */
class AuthEndpointTest {

    private static final String KEY = Fixture.KEY;
    private static final String SECRET = Fixture.SECRET;
    private static final String SOCKET = "1234.1234";
    private static final byte[] MASTER_KEY = new byte[32];
    private static final String MASTER_KEY_BASE64;

    static {
        for (int i = 0; i < MASTER_KEY.length; i++) {
            MASTER_KEY[i] = (byte) i;
        }
        MASTER_KEY_BASE64 = Base64.getEncoder().encodeToString(MASTER_KEY);
    }

    private static final AuthResponse FORBIDDEN = new AuthResponse(403, "{\"error\":\"Forbidden\"}");
    private static final AuthResponse INTERNAL_ERROR = new AuthResponse(500, "{\"error\":\"Internal Server Error\"}");

    private record User(String id, String name) {
    }

    private static final User ANN = new User("7", "Ann");
    private static final User MR_CHANNELS = new User("10", "Mr. Channels");

    /** Every channel the routes were asked about, to prove that refusals never reach them. */
    private final List<String> asked = new ArrayList<>();

    private final ChannelRoutes<User> routes = ChannelRoutes.<User>create()
            .channel("foobar", (u, p) -> asked.add("foobar"))
            .channel("orders.{id}", (u, p) -> asked.add("orders") && u.id().equals(p.get("id")))
            .channel("numbers.{n}", (u, p) -> p.getLong("n") > 0)
            .channel("broken", (u, p) -> {
                throw new IllegalStateException("database down");
            })
            .presence("foobar", (u, p) -> Authorization.member(u.id(), Map.of("name", u.name())))
            .presence("lobby", (u, p) -> Authorization.member(u.id()))
            .presence("profiles", (u, p) -> Authorization.member(u.id(), List.of(u.name(), 30, true)))
            .presence("quotes", (u, p) -> Authorization.member("a\"b", Map.of("text", "\"é✓\" </script>\n")))
            .presence("unserializable", (u, p) -> Authorization.member(u.id(), new Object()))
            .presence("members-only", (u, p) -> Authorization.deny("not a member of the club"))
            .presence("allow", (u, p) -> Authorization.allow());

    private AuthEndpoint<User> endpoint() {
        return AuthEndpoint.builder(KEY, SECRET, routes)
                .encryptionMasterKey(MASTER_KEY_BASE64)
                .userData(u -> u.id().isEmpty() ? null : new UserData(u.id(), Map.of("name", u.name())))
                .build();
    }

    private static JsonNode parse(AuthResponse response) {
        return Wire.parse(response.json());
    }

    private static AuthResponse badRequest(String message) {
        return new AuthResponse(400, "{\"error\":" + Wire.write(message) + "}");
    }

    @Nested
    class Answers {

        @Test
        void privateChannelMatchesTheProtocolVector() {
            assertEquals(new AuthResponse(200, "{\"auth\":\"278d425bdf160c739803:"
                            + "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4\"}"),
                    endpoint().authorizeChannel(ANN, SOCKET, "private-foobar"));
            assertEquals(KEY + ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                    Crypto.channelAuth(KEY, SECRET, SOCKET, "private-foobar"));
        }

        @Test
        void privateChannelSignsSocketAndChannel() {
            assertEquals(new AuthResponse(200, "{\"auth\":\"" + Crypto.channelAuth(KEY, SECRET, "99.1", "private-orders.7") + "\"}"),
                    endpoint().authorizeChannel(ANN, "99.1", "private-orders.7"));
        }

        @Test
        void encryptedChannelAddsTheSharedSecretTheNodeSdkDerives() {
            // the pusher Node SDK 5.3.4 with encryptionMasterKeyBase64 = bytes 0..31 answers exactly this
            String sdk = "{\"auth\":\"278d425bdf160c739803:e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533\","
                    + "\"shared_secret\":\"g3Au6SZ+UCU+IMfFsFva0rq+Gi4tzSHR6WCcWZbS9sY=\"}";
            assertEquals(new AuthResponse(200, sdk), endpoint().authorizeChannel(ANN, SOCKET, "private-encrypted-foobar"));
            assertEquals(sdk, "{\"auth\":\"" + Crypto.channelAuth(KEY, SECRET, SOCKET, "private-encrypted-foobar")
                    + "\",\"shared_secret\":\"" + Crypto.sharedSecret("private-encrypted-foobar", MASTER_KEY) + "\"}");
        }

        @Test
        void presenceChannelSignsTheExactChannelDataItSends() {
            String channelData = "{\"user_id\":\"10\",\"user_info\":{\"name\":\"Mr. Channels\"}}";
            // the Node SDK signs the same channel_data to this value
            String auth = KEY + ":4c6d8fc42a207ba96a0779844171b0bb819d96ffceef9609f5cce596ab17a800";
            assertEquals(auth, Crypto.presenceAuth(KEY, SECRET, SOCKET, "presence-foobar", channelData));
            assertEquals(new AuthResponse(200, "{\"auth\":\"" + auth + "\",\"channel_data\":" + Wire.write(channelData) + "}"),
                    endpoint().authorizeChannel(MR_CHANNELS, SOCKET, "presence-foobar"));
        }

        @Test
        void presenceWithoutUserInfoLeavesItOut() {
            String channelData = "{\"user_id\":\"7\"}";
            assertEquals(new AuthResponse(200, "{\"auth\":\"" + Crypto.presenceAuth(KEY, SECRET, SOCKET, "presence-lobby", channelData)
                            + "\",\"channel_data\":" + Wire.write(channelData) + "}"),
                    endpoint().authorizeChannel(ANN, SOCKET, "presence-lobby"));
        }

        @Test
        void presenceUserInfoMayBeAnyJsonValue() {
            AuthResponse response = endpoint().authorizeChannel(ANN, SOCKET, "presence-profiles");
            String channelData = "{\"user_id\":\"7\",\"user_info\":[\"Ann\",30,true]}";
            assertEquals(channelData, parse(response).path("channel_data").asText());
            assertEquals(Crypto.presenceAuth(KEY, SECRET, SOCKET, "presence-profiles", channelData),
                    parse(response).path("auth").asText());
        }

        @Test
        void quotesAndUnicodeSurviveBothLevelsOfJson() {
            AuthResponse response = endpoint().authorizeChannel(ANN, SOCKET, "presence-quotes");
            String channelData = parse(response).path("channel_data").asText();
            assertEquals("{\"user_id\":\"a\\\"b\",\"user_info\":{\"text\":\"\\\"é✓\\\" </script>\\n\"}}", channelData);
            JsonNode member = Wire.parse(channelData);
            assertEquals("a\"b", member.path("user_id").asText());
            assertEquals("\"é✓\" </script>\n", member.path("user_info").path("text").asText());
            assertEquals(Crypto.presenceAuth(KEY, SECRET, SOCKET, "presence-quotes", channelData), parse(response).path("auth").asText());
        }

        @Test
        void signinMatchesTheProtocolVector() {
            User alice = new User("12345", "Alice");
            assertEquals(new AuthResponse(200, "{\"auth\":\"278d425bdf160c739803:"
                            + "ce475882a5db9a1b8f065436323988ffd226a9efd61f91ec593a18533b21169f\","
                            + "\"user_data\":\"{\\\"id\\\":\\\"12345\\\",\\\"user_info\\\":{\\\"name\\\":\\\"Alice\\\"}}\"}"),
                    endpoint().authenticateUser(alice, SOCKET));
            assertEquals(KEY + ":ce475882a5db9a1b8f065436323988ffd226a9efd61f91ec593a18533b21169f",
                    Crypto.signinAuth(KEY, SECRET, SOCKET, "{\"id\":\"12345\",\"user_info\":{\"name\":\"Alice\"}}"));
        }

        @Test
        void signinWithoutInfoLeavesItOut() {
            AuthEndpoint<User> endpoint = AuthEndpoint.builder(KEY, SECRET, routes).userData(u -> new UserData(u.id())).build();
            String userData = "{\"id\":\"7\"}";
            assertEquals(new AuthResponse(200, "{\"auth\":\"" + Crypto.signinAuth(KEY, SECRET, SOCKET, userData)
                    + "\",\"user_data\":" + Wire.write(userData) + "}"), endpoint.authenticateUser(ANN, SOCKET));
        }

        @Test
        void builderFromAnAppSignsWithItsKeyAndSecret() {
            App app = App.builder("1", "other-key", "other-secret").build();
            assertEquals(new AuthResponse(200, "{\"auth\":\"" + Crypto.channelAuth("other-key", "other-secret", SOCKET, "private-foobar") + "\"}"),
                    AuthEndpoint.builder(app, routes).build().authorizeChannel(ANN, SOCKET, "private-foobar"));
        }

        @Test
        void theHubAcceptsWhatTheEndpointSigns() {
            try (Fixture fixture = Fixture.create()) {
                FixtureClient client = fixture.connect();
                String socketId = client.socketId();
                AuthEndpoint<User> endpoint = endpoint();

                JsonNode privateAuth = parse(endpoint.authorizeChannel(ANN, socketId, "private-orders.7"));
                List<JsonNode> subscribed = client.subscribeWith("private-orders.7", privateAuth.path("auth").asText(), null);
                assertEquals("pusher_internal:subscription_succeeded", subscribed.get(0).path("event").asText(), subscribed::toString);

                JsonNode presenceAuth = parse(endpoint.authorizeChannel(ANN, socketId, "presence-foobar"));
                List<JsonNode> joined = client.subscribeWith("presence-foobar", presenceAuth.path("auth").asText(),
                        presenceAuth.path("channel_data").asText());
                assertEquals("pusher_internal:subscription_succeeded", joined.get(0).path("event").asText(), joined::toString);
                assertEquals("{\"name\":\"Ann\"}", Wire.data(joined.get(0)).path("presence").path("hash").path("7").toString());

                JsonNode signin = parse(endpoint.authenticateUser(ANN, socketId));
                List<JsonNode> signedIn = client.signinWith(signin.path("user_data").asText(), signin.path("auth").asText());
                assertEquals("pusher:signin_success", signedIn.get(0).path("event").asText(), signedIn::toString);
                assertTrue(client.isOpen());
            }
        }
    }

    @Nested
    class ChannelRefusals {

        @Test
        void missingSocketId() {
            assertEquals(badRequest("socket_id is missing"), endpoint().authorizeChannel(ANN, null, "private-foobar"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "1234", "1234.", ".1234", "a.b", "1234.1234x", " 1234.1234", "1234.1234 ", "12.34.56",
            "-1.2", "١٢.٣٤", "1234,1234"})
        void malformedSocketId(String socketId) {
            assertEquals(badRequest("socket_id must look like 1234.5678"), endpoint().authorizeChannel(ANN, socketId, "private-foobar"));
            assertEquals(List.of(), asked);
        }

        @Test
        void missingChannelName() {
            assertEquals(badRequest("channel_name is missing"), endpoint().authorizeChannel(ANN, SOCKET, null));
        }

        @Test
        void invalidChannelNames() {
            assertEquals(badRequest("Channel name is empty"), endpoint().authorizeChannel(ANN, SOCKET, ""));
            assertEquals(badRequest("Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found '/' at 14): private-orders/7"),
                    endpoint().authorizeChannel(ANN, SOCKET, "private-orders/7"));
            assertEquals(badRequest("Channel name 'private-' has a prefix and nothing else"),
                    endpoint().authorizeChannel(ANN, SOCKET, "private-"));
            assertEquals(badRequest("Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found '#' at 0): #server-to-user-7"),
                    endpoint().authorizeChannel(ANN, SOCKET, "#server-to-user-7"));
            String tooLong = "private-" + "a".repeat(193);
            assertEquals(badRequest("Channel name is longer than 200 characters: " + tooLong),
                    endpoint().authorizeChannel(ANN, SOCKET, tooLong));
            assertEquals(List.of(), asked);
        }

        @Test
        void publicChannel() {
            assertEquals(badRequest("Public channels need no authorization: orders.7"),
                    endpoint().authorizeChannel(ANN, SOCKET, "orders.7"));
        }

        @Test
        void nobodySignedIn() {
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(null, SOCKET, "private-foobar"));
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(null, SOCKET, "presence-foobar"));
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(null, SOCKET, "private-encrypted-foobar"));
            assertEquals(List.of(), asked, "the routes never see a null user");
        }

        @Test
        void routeDenialsNeverLeakTheirReason() {
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(ANN, SOCKET, "private-orders.8"));
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(ANN, SOCKET, "private-encrypted-orders.8"));
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(ANN, SOCKET, "presence-members-only"));
        }

        @Test
        void noMatchingRoute() {
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(ANN, SOCKET, "private-invoices.7"));
            assertEquals(FORBIDDEN, endpoint().authorizeChannel(ANN, SOCKET, "presence-orders.7"), "channel routes never match presence");
        }

        @Test
        void routeThrows() {
            assertEquals(INTERNAL_ERROR, endpoint().authorizeChannel(ANN, SOCKET, "private-broken"));
        }

        @Test
        void routeReadsAParameterWrongly() {
            assertEquals(INTERNAL_ERROR, endpoint().authorizeChannel(ANN, SOCKET, "private-numbers.abc"));
        }

        @Test
        void presenceRouteReturnsAllow() {
            assertEquals(INTERNAL_ERROR, endpoint().authorizeChannel(ANN, SOCKET, "presence-allow"));
        }

        @Test
        void presenceUserInfoCannotBeSerialized() {
            assertEquals(INTERNAL_ERROR, endpoint().authorizeChannel(ANN, SOCKET, "presence-unserializable"));
        }

        @Test
        void encryptedChannelWithoutAMasterKeyNeverReachesTheRoutes() {
            AuthEndpoint<User> endpoint = AuthEndpoint.builder(KEY, SECRET, routes).build();
            assertEquals(INTERNAL_ERROR, endpoint.authorizeChannel(ANN, SOCKET, "private-encrypted-foobar"));
            assertEquals(List.of(), asked);
            assertEquals(FORBIDDEN, endpoint.authorizeChannel(null, SOCKET, "private-encrypted-foobar"),
                    "the user is checked first");
        }
    }

    @Nested
    class UserRefusals {

        @Test
        void userAuthenticationNotEnabled() {
            AuthEndpoint<User> endpoint = AuthEndpoint.builder(KEY, SECRET, routes).build();
            AuthResponse notEnabled = new AuthResponse(404, "{\"error\":\"User authentication is not enabled\"}");
            assertEquals(notEnabled, endpoint.authenticateUser(ANN, SOCKET));
            assertEquals(notEnabled, endpoint.authenticateUser(null, null));
            assertEquals(notEnabled, endpoint.handleUserAuth(ANN, "text/plain", new byte[0]));
        }

        @Test
        void missingOrMalformedSocketId() {
            assertEquals(badRequest("socket_id is missing"), endpoint().authenticateUser(ANN, null));
            assertEquals(badRequest("socket_id must look like 1234.5678"), endpoint().authenticateUser(ANN, "1234"));
        }

        @Test
        void nobodySignedIn() {
            assertEquals(FORBIDDEN, endpoint().authenticateUser(null, SOCKET));
        }

        @Test
        void userDataFunctionReturnsNull() {
            assertEquals(FORBIDDEN, endpoint().authenticateUser(new User("", "nobody"), SOCKET));
        }

        @Test
        void userDataFunctionThrows() {
            AuthEndpoint<User> endpoint = AuthEndpoint.builder(KEY, SECRET, routes)
                    .userData(u -> new UserData("x".repeat(129))).build();
            assertEquals(INTERNAL_ERROR, endpoint.authenticateUser(ANN, SOCKET));
        }

        @Test
        void userInfoCannotBeSerialized() {
            AuthEndpoint<User> endpoint = AuthEndpoint.builder(KEY, SECRET, routes)
                    .userData(u -> new UserData(u.id(), new Object())).build();
            assertEquals(INTERNAL_ERROR, endpoint.authenticateUser(ANN, SOCKET));
        }
    }

    @Nested
    class Bodies {

        private AuthResponse channelForm(String body) {
            return endpoint().handleChannelAuth(ANN, "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8));
        }

        private AuthResponse channelJson(String body) {
            return endpoint().handleChannelAuth(ANN, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }

        @Test
        void pusherJsForm() {
            assertEquals(endpoint().authorizeChannel(ANN, SOCKET, "private-foobar"),
                    channelForm("socket_id=1234.1234&channel_name=private-foobar"));
        }

        @Test
        void formIsPercentDecodedAndExtraParamsAreIgnored() {
            // what encodeURIComponent makes of the characters channel names may hold
            assertEquals(endpoint().authorizeChannel(ANN, SOCKET, "private-orders.7"),
                    channelForm("socket_id=1234.1234&channel_name=private-orders.7&csrf=a%20b&flag"));
            AuthResponse odd = channelForm("channel_name=presence-lobby%3D%40%2C%3B&socket_id=1234.1234");
            assertEquals(FORBIDDEN, odd, "decoded to presence-lobby=@,; which no route matches");
        }

        @Test
        void contentTypeParametersAndCaseDoNotMatter() {
            assertEquals(200, endpoint().handleChannelAuth(ANN, "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
                    "socket_id=1234.1234&channel_name=private-foobar".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(200, endpoint().handleChannelAuth(ANN, "application/json;charset=utf-8",
                    "{\"socket_id\":\"1234.1234\",\"channel_name\":\"private-foobar\"}".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(200, endpoint().handleChannelAuth(ANN, "application/vnd.api+json",
                    "{\"socket_id\":\"1234.1234\",\"channel_name\":\"private-foobar\"}".getBytes(StandardCharsets.UTF_8)).status());
        }

        @Test
        void json() {
            assertEquals(endpoint().authorizeChannel(ANN, SOCKET, "private-foobar"),
                    channelJson("{\"socket_id\":\"1234.1234\",\"channel_name\":\"private-foobar\",\"extra\":[1,2]}"));
        }

        @Test
        void userAuthFormAndJson() {
            AuthResponse expected = endpoint().authenticateUser(ANN, SOCKET);
            assertEquals(200, expected.status());
            assertEquals(expected, endpoint().handleUserAuth(ANN, "application/x-www-form-urlencoded",
                    "socket_id=1234.1234".getBytes(StandardCharsets.UTF_8)));
            assertEquals(expected, endpoint().handleUserAuth(ANN, "application/json",
                    "{\"socket_id\":\"1234.1234\"}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(FORBIDDEN, endpoint().handleUserAuth(null, "application/json",
                    "{\"socket_id\":\"1234.1234\"}".getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void missingFields() {
            assertEquals(badRequest("socket_id is missing"), channelForm(""));
            assertEquals(badRequest("channel_name is missing"), channelForm("socket_id=1234.1234"));
            assertEquals(badRequest("socket_id is missing"), channelJson("{}"));
            assertEquals(badRequest("channel_name is missing"), channelJson("{\"socket_id\":\"1234.1234\",\"channel_name\":null}"));
            assertEquals(badRequest("socket_id is missing"), endpoint().handleUserAuth(ANN, "application/json", "{}".getBytes()));
        }

        @Test
        void repeatedFormField() {
            assertEquals(badRequest("socket_id appears more than once"),
                    channelForm("socket_id=1234.1234&channel_name=private-foobar&socket_id=1.1"));
            assertEquals(badRequest("channel_name appears more than once"),
                    channelForm("socket_id=1234.1234&channel_name=private-foobar&channel_name=private-orders.7"));
        }

        @Test
        void malformedPercentEscape() {
            AuthResponse response = channelForm("socket_id=1234.1234&channel_name=private-%zz");
            assertEquals(400, response.status());
            assertTrue(parse(response).path("error").asText().startsWith("Malformed form body: "), response::toString);
        }

        @Test
        void malformedJson() {
            assertEquals(badRequest("Malformed JSON body"), channelJson("{\"socket_id\":"));
            assertEquals(badRequest("Malformed JSON body"), channelJson("{\"socket_id\":\"1.1\",\"socket_id\":\"2.2\"}"));
            assertEquals(badRequest("Malformed JSON body"), channelJson(""));
            assertEquals(badRequest("JSON body must be an object"), channelJson("[\"1234.1234\"]"));
            assertEquals(badRequest("socket_id must be a string"), channelJson("{\"socket_id\":1234.1234}"));
            assertEquals(badRequest("channel_name must be a string"),
                    channelJson("{\"socket_id\":\"1234.1234\",\"channel_name\":[\"private-foobar\"]}"));
        }

        @Test
        void unsupportedContentType() {
            AuthResponse unsupported = new AuthResponse(415,
                    "{\"error\":\"Content-Type must be application/x-www-form-urlencoded or application/json\"}");
            byte[] body = "socket_id=1234.1234&channel_name=private-foobar".getBytes(StandardCharsets.UTF_8);
            assertEquals(unsupported, endpoint().handleChannelAuth(ANN, "text/plain", body));
            assertEquals(unsupported, endpoint().handleChannelAuth(ANN, null, body));
            assertEquals(unsupported, endpoint().handleUserAuth(ANN, "multipart/form-data; boundary=x", body));
        }

        @Test
        void bodyOverTheLimit() {
            String fields = "socket_id=1234.1234&channel_name=private-foobar&pad=";
            String atLimit = fields + "x".repeat(AuthEndpoint.MAX_BODY_BYTES - fields.length());
            assertEquals(200, channelForm(atLimit).status());
            AuthResponse tooLarge = new AuthResponse(413, "{\"error\":\"Request body is larger than 8192 bytes\"}");
            assertEquals(tooLarge, channelForm(atLimit + "x"));
            assertEquals(tooLarge, endpoint().handleUserAuth(ANN, "application/json", new byte[AuthEndpoint.MAX_BODY_BYTES + 1]));
        }
    }

    @Nested
    class Configuration {

        @Test
        void masterKeyMustBeBase64() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AuthEndpoint.builder(KEY, SECRET, routes).encryptionMasterKey("not base64!"));
            assertEquals("encryptionMasterKey is not valid base64; generate a key with: openssl rand -base64 32", e.getMessage());
        }

        @Test
        void masterKeyMustBe32BytesAndIsNeverRepeated() {
            String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AuthEndpoint.builder(KEY, SECRET, routes).encryptionMasterKey(sixteen));
            assertEquals("encryptionMasterKey must be 32 bytes encoded as base64, but it decodes to 16 bytes;"
                    + " generate a key with: openssl rand -base64 32", e.getMessage());
            // a 32-character string (the SDKs' deprecated raw form) is not 32 bytes of base64
            String raw = "abcdefghijklmnopqrstuvwxyz012345";
            assertEquals("encryptionMasterKey must be 32 bytes encoded as base64, but it decodes to 24 bytes;"
                            + " generate a key with: openssl rand -base64 32",
                    assertThrows(IllegalArgumentException.class,
                            () -> AuthEndpoint.builder(KEY, SECRET, routes).encryptionMasterKey(raw)).getMessage());
            assertEquals("encryptionMasterKey", assertThrows(NullPointerException.class,
                    () -> AuthEndpoint.builder(KEY, SECRET, routes).encryptionMasterKey(null)).getMessage());
        }

        @Test
        void credentialsAndRoutesAreRequired() {
            assertEquals("The app key must not be blank", assertThrows(IllegalArgumentException.class,
                    () -> AuthEndpoint.builder(" ", SECRET, routes)).getMessage());
            assertEquals("The app secret must not be blank", assertThrows(IllegalArgumentException.class,
                    () -> AuthEndpoint.builder(KEY, "", routes)).getMessage());
            assertEquals("key", assertThrows(NullPointerException.class,
                    () -> AuthEndpoint.builder(null, SECRET, routes)).getMessage());
            assertEquals("routes", assertThrows(NullPointerException.class,
                    () -> AuthEndpoint.builder(KEY, SECRET, null)).getMessage());
            assertEquals("userData", assertThrows(NullPointerException.class,
                    () -> AuthEndpoint.builder(KEY, SECRET, routes).userData(null)).getMessage());
        }

        @Test
        void userDataIdRules() {
            assertEquals("A signed-in user needs a non-empty id",
                    assertThrows(IllegalArgumentException.class, () -> new UserData("")).getMessage());
            assertEquals("A signed-in user's id is 129 characters long; at most 128 are allowed",
                    assertThrows(IllegalArgumentException.class, () -> new UserData("x".repeat(129), null)).getMessage());
            assertEquals("id", assertThrows(NullPointerException.class, () -> new UserData(null)).getMessage());
            assertEquals(128, new UserData("x".repeat(128)).id().length());
        }
    }
}
