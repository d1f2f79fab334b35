package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol notes' test vectors (§3) checked against the tests' own {@link Crypto}, which every
 * other test signs with, and the HTTP vector replayed byte for byte through {@link BroadcastHub#handle}.
 */
class ProtocolVectorsTest {

    private static final String KEY = Fixture.KEY;
    private static final String SECRET = Fixture.SECRET;
    private static final String HTTP_BODY = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
    private static final String HTTP_QUERY = "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0"
            + "&body_md5=ec365a775a4cd0599faeb73354201b6f"
            + "&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c";

    @Test
    void testHelperReproducesEveryVector() {
        assertEquals(KEY + ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                Crypto.channelAuth(KEY, SECRET, "1234.1234", "private-foobar"));
        assertEquals(KEY + ":31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80",
                Crypto.presenceAuth(KEY, SECRET, "1234.1234", "presence-foobar",
                        "{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}"));
        assertEquals(KEY + ":ce475882a5db9a1b8f065436323988ffd226a9efd61f91ec593a18533b21169f",
                Crypto.signinAuth(KEY, SECRET, "1234.1234", "{\"id\":\"12345\",\"user_info\":{\"name\":\"Alice\"}}"));
        assertEquals("ec365a775a4cd0599faeb73354201b6f", Crypto.md5Hex(HTTP_BODY.getBytes(StandardCharsets.UTF_8)));
        assertEquals("709fdb84c03664445f7698120b0edf0acc1ab1c8c6e93a0368c61841d6b998aa", Crypto.hmacHex(SECRET,
                "{\"time_ms\":1327078148132,\"events\":[{\"name\":\"channel_occupied\",\"channel\":\"test_channel\"}]}"));
    }

    @Test
    void apiCallHelperProducesTheHttpVector() {
        ApiRequest request = ApiCall.post("/apps/3/events", HTTP_BODY).timestamp(1353088179).signed(0);
        assertEquals(HTTP_QUERY, request.rawQuery());
    }

    @Test
    void httpVectorIsAcceptedByTheHubAndDelivered() {
        try (Fixture fixture = Fixture.create(Instant.ofEpochSecond(1353088179), b -> b)) {
            FixtureClient client = fixture.connect();
            client.subscribe("project-3");
            int mark = client.mark();

            ApiResponse response = fixture.hub.handle(new ApiRequest("POST", "/apps/3/events", HTTP_QUERY,
                    HTTP_BODY.getBytes(StandardCharsets.UTF_8)));

            assertEquals(new ApiResponse(200, "{}"), response);
            List<JsonNode> delivered = client.since(mark);
            assertEquals(1, delivered.size(), delivered::toString);
            Wire.assertJson("{\"event\":\"foo\",\"channel\":\"project-3\",\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}",
                    delivered.get(0));
        }
    }

    @Test
    void httpVectorWithOneSignatureDigitChangedIsRefused() {
        try (Fixture fixture = Fixture.create(Instant.ofEpochSecond(1353088179), b -> b)) {
            FixtureClient client = fixture.connect();
            client.subscribe("project-3");
            int mark = client.mark();
            String tampered = HTTP_QUERY.substring(0, HTTP_QUERY.length() - 1) + "d"; // ...6c -> ...6d

            ApiResponse response = fixture.hub.handle(new ApiRequest("POST", "/apps/3/events", tampered,
                    HTTP_BODY.getBytes(StandardCharsets.UTF_8)));

            assertEquals(401, response.status());
            assertEquals(List.of(), client.since(mark));
        }
    }
}
