package dev.broadcast.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs as the Pusher server SDKs and auth endpoints do, for the server's own clients of its API
 * ({@link ServerCheck}, {@link DebugConsole}): HMAC-SHA256 in hex with an app's secret.
 */
final class ApiSigner {

    private ApiSigner() {
    }

    /** HMAC-SHA256 of {@code text} with {@code secret}, in lowercase hex. */
    static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The signed query of an HTTP API request: {@code auth_key}, {@code auth_timestamp},
     * {@code auth_version} and, with a body, {@code body_md5}, then {@code auth_signature} over
     * {@code METHOD\npath\nquery}.
     */
    static String query(String key, String secret, String method, String path, String body, long timestamp) {
        return query(key, secret, method, path, "", body, timestamp);
    }

    /**
     * {@link #query(String, String, String, String, String, long)} with {@code extra}
     * parameters (e.g. {@code info=subscription_count}), which must sort after {@code body_md5},
     * as the signature covers the parameters sorted by name.
     */
    static String query(String key, String secret, String method, String path, String extra, String body, long timestamp) {
        String query = "auth_key=" + key + "&auth_timestamp=" + timestamp + "&auth_version=1.0"
                + (body == null || body.isEmpty() ? "" : "&body_md5=" + md5(body))
                + (extra.isEmpty() ? "" : "&" + extra);
        return query + "&auth_signature=" + hmac(secret, method + "\n" + path + "\n" + query);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
