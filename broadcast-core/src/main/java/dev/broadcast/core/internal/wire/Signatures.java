package dev.broadcast.core.internal.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Pusher's signatures: lowercase hex HMAC-SHA256, compared in constant time. */
public final class Signatures {

    private Signatures() {
    }

    /** {@code hex(HMAC_SHA256(secret, message))}. */
    public static String hmacHex(String secret, String message) {
        return hmacHex(secret, message.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code hex(HMAC_SHA256(secret, message))} over raw bytes (webhook bodies). */
    public static String hmacHex(String secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return hex(mac.doFinal(message));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Lowercase hex MD5 of {@code body}, as in the HTTP API's {@code body_md5}. */
    public static String md5Hex(byte[] body) {
        try {
            return hex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /**
     * The {@code shared_secret} of a {@code private-encrypted-} channel:
     * {@code base64(SHA-256(channelName ‖ masterKey))}, as the Pusher server SDKs derive it.
     */
    public static String sharedSecret(String channelName, byte[] masterKey) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(channelName.getBytes(StandardCharsets.UTF_8));
            sha256.update(masterKey);
            return Base64.getEncoder().encodeToString(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The {@code auth} value a client must present: {@code key:hex(HMAC(secret, message))}. */
    public static String auth(String key, String secret, String message) {
        return key + ":" + hmacHex(secret, message);
    }

    /**
     * Whether {@code presented} equals {@code expected}, taking time independent of where they
     * differ. Both the key part and the signature part of an {@code auth} value are compared.
     */
    public static boolean matches(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
