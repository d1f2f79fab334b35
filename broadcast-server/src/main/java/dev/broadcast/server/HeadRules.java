package dev.broadcast.server;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What no request head may have, the same for both transports: each rule answers "status reason"
 * ({@code "400 …"}, {@code "426 …"}, {@code "501 …"}) or null. And the one shape of the errors
 * the transports answer themselves, like the HTTP API's: {@code {"error":"…"}}.
 */
final class HeadRules {

    /** The error of a 500: what failed is logged, not told. */
    static final String INTERNAL_ERROR = "Internal error";

    private HeadRules() {
    }

    /** {@code {"error":reason}}; the reason may quote a header, control characters and all. */
    static String errorJson(String reason) {
        StringBuilder json = new StringBuilder(reason.length() + 16).append("{\"error\":\"");
        for (char c : reason.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append("\"}").toString();
    }

    /**
     * RFC 9112 §6.1: a {@code Transfer-Encoding} other than exactly {@code chunked}, or beside a
     * {@code Content-Length}, is refused, since a proxy that reads the body differently could
     * smuggle a request through.
     */
    static String transferEncoding(List<String> encodings, boolean contentLength) {
        if (encodings.isEmpty()) {
            return null;
        }
        if (encodings.size() > 1 || !encodings.get(0).strip().equalsIgnoreCase("chunked")) {
            return encodings.stream().anyMatch(e -> hasToken(e, "chunked"))
                    ? "400 Transfer-Encoding must be exactly chunked"
                    : "501 Transfer-Encoding " + String.join(", ", encodings) + " is not supported; use chunked";
        }
        return contentLength ? "400 Transfer-Encoding and Content-Length together" : null;
    }

    /** RFC 6455 §4.1-4.4: a WebSocket handshake is a GET in HTTP/1.1 with Connection: Upgrade, version 13 and a key. */
    static String handshake(boolean get, boolean http11, String connection, String version, String key) {
        if (!get || !http11) {
            return "400 A WebSocket handshake is a GET in HTTP/1.1 (RFC 6455 §4.1)";
        }
        if (connection == null || !hasToken(connection, "upgrade")) {
            return "400 A WebSocket handshake needs Connection: Upgrade (RFC 6455 §4.1)";
        }
        if (version == null || !version.strip().equals("13")) {
            return "426 Sec-WebSocket-Version must be 13 (RFC 6455 §4.4)";
        }
        if (!validKey(key)) {
            return "400 Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455 §4.1)";
        }
        return null;
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(String header, String token) {
        return Arrays.stream(header.split(",")).anyMatch(t -> t.strip().equalsIgnoreCase(token));
    }
}
