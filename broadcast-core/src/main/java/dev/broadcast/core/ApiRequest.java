package dev.broadcast.core;

import java.io.IOException;
import java.io.InputStream;
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
     * Reads a request body the way every adapter should: nothing unless the request declares one
     * ({@code Content-Length} above zero, or chunked), never past the declared length, and at most
     * {@code max + 1} bytes, which is enough for the hub to answer 413 without reading a huge body
     * to its end. Both matter: with {@code Upgrade: h2c} (the JDK client's default) some servers
     * never signal the end of the body, and a read past it blocks.
     */
    public static byte[] readBody(InputStream in, long contentLength, boolean chunked, int max) throws IOException {
        if (contentLength > 0) {
            // never read past the declared length: with Upgrade: h2c some servers never signal EOF
            return in.readNBytes((int) Math.min(contentLength, max + 1L));
        }
        return chunked ? in.readNBytes(max + 1) : new byte[0];
    }
}
