package dev.broadcast.core.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * An HTTP request to the Pusher HTTP API, as any HTTP server hands it over.
 *
 * @param method   {@code GET} or {@code POST}
 * @param path     the decoded request path as the client addressed it, e.g. {@code /apps/1/events}
 * @param rawQuery the query string as sent (still URL-encoded), {@code null} or empty when absent
 * @param body     the raw body bytes, empty when there is none
 */
public record ApiRequest(String method, String path, String rawQuery, byte[] body) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        body = body == null ? new byte[0] : body;
    }

    /**
     * The request for a raw request target ({@link ApiExchange#target()}): the path %-decoded, as
     * the client signed it, and the query as sent.
     */
    public static ApiRequest of(String method, String target, byte[] body) {
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        return new ApiRequest(method, decodedPath(rawPath), q < 0 ? null : target.substring(q + 1), body);
    }

    private static String decodedPath(String rawPath) {
        try {
            String path = new URI("http", "h", null, null).resolve(rawPath).getPath();
            return path != null ? path : rawPath; // an opaque target ("mailto:x") has none
        } catch (IllegalArgumentException | URISyntaxException e) {
            return rawPath;
        }
    }
}
