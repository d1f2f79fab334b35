package dev.broadcast.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test vectors of pusher-protocol.md §3 (and one of the pusher Node SDK) against the engine's signature code. */
class SignaturesTest {

    private static final String KEY = "278d425bdf160c739803";
    private static final String SECRET = "7ad3773142a6692b25b8";

    @Test
    void privateChannelVector() {
        assertEquals(KEY + ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                Signatures.auth(KEY, SECRET, "1234.1234:private-foobar"));
    }

    @Test
    void presenceChannelVector() {
        String channelData = "{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}";
        assertEquals(KEY + ":31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80",
                Signatures.auth(KEY, SECRET, "1234.1234:presence-foobar:" + channelData));
    }

    @Test
    void signinVector() {
        String userData = "{\"id\":\"12345\",\"user_info\":{\"name\":\"Alice\"}}";
        assertEquals(KEY + ":ce475882a5db9a1b8f065436323988ffd226a9efd61f91ec593a18533b21169f",
                Signatures.auth(KEY, SECRET, "1234.1234::user::" + userData));
    }

    @Test
    void sharedSecretMatchesTheNodeSdk() {
        byte[] masterKey = new byte[32];
        for (int i = 0; i < masterKey.length; i++) {
            masterKey[i] = (byte) i;
        }
        // pusher 5.3.4 (Node) channelSharedSecret with encryptionMasterKeyBase64 = bytes 0..31
        assertEquals("g3Au6SZ+UCU+IMfFsFva0rq+Gi4tzSHR6WCcWZbS9sY=",
                Signatures.sharedSecret("private-encrypted-foobar", masterKey));
    }

    @Test
    void httpRequestVectorBodyMd5AndSignature() {
        byte[] body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("ec365a775a4cd0599faeb73354201b6f", Signatures.md5Hex(body));
        assertEquals("da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
                Signatures.hmacHex(SECRET, "POST\n/apps/3/events\nauth_key=278d425bdf160c739803"
                        + "&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f"));
    }

    @Test
    void webhookVectorOverRawBodyBytes() {
        byte[] body = "{\"time_ms\":1327078148132,\"events\":[{\"name\":\"channel_occupied\",\"channel\":\"test_channel\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("709fdb84c03664445f7698120b0edf0acc1ab1c8c6e93a0368c61841d6b998aa",
                Signatures.hmacHex(SECRET, body));
    }

    @Test
    void signaturesAreLowercaseHex() {
        String hex = Signatures.hmacHex(SECRET, "anything");
        assertTrue(hex.matches("[0-9a-f]{64}"), hex);
    }

    @Test
    void matchesComparesKeyAndSignatureExactly() {
        String expected = Signatures.auth(KEY, SECRET, "1234.1234:private-foobar");
        String signature = expected.substring(KEY.length() + 1);
        assertTrue(Signatures.matches(expected, expected));
        assertFalse(Signatures.matches(expected, null));
        assertFalse(Signatures.matches(expected, ""));
        assertFalse(Signatures.matches(expected, signature), "signature without the key part");
        assertFalse(Signatures.matches(expected, "otherkey0000000000000:" + signature), "another app's key");
        assertFalse(Signatures.matches(expected, KEY + ":" + signature.toUpperCase()), "hex case matters");
        assertFalse(Signatures.matches(expected, expected + "0"), "longer");
        assertFalse(Signatures.matches(expected, expected.substring(0, expected.length() - 1)), "shorter");
    }
}
