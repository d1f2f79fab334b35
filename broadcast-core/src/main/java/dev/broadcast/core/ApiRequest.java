package dev.broadcast.core;

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
}
