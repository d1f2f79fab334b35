package dev.broadcast.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The tests' own HMAC, MD5 and SHA-256, so that no test trusts the engine's signature code. */
final class Crypto {

    private Crypto() {
    }

    static String hmacHex(String secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static String hmacHex(String secret, String message) {
        return hmacHex(secret, message.getBytes(StandardCharsets.UTF_8));
    }

    static String md5Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code base64(SHA-256(channel ‖ masterKey))}, the shared_secret of an encrypted channel. */
    static String sharedSecret(String channel, byte[] masterKey) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(channel.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha256.digest(masterKey));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code key:hex(HMAC(secret, socketId:channel))}. */
    static String channelAuth(String key, String secret, String socketId, String channel) {
        return key + ":" + hmacHex(secret, socketId + ":" + channel);
    }

    /** {@code key:hex(HMAC(secret, socketId:channel:channelData))}. */
    static String presenceAuth(String key, String secret, String socketId, String channel, String channelData) {
        return key + ":" + hmacHex(secret, socketId + ":" + channel + ":" + channelData);
    }

    /** {@code key:hex(HMAC(secret, socketId::user::userData))}. */
    static String signinAuth(String key, String secret, String socketId, String userData) {
        return key + ":" + hmacHex(secret, socketId + "::user::" + userData);
    }
}
