package dev.broadcast.core.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * One HTTP request to the Pusher HTTP API (or {@code GET /up}) as an adapter's HTTP server holds
 * it, answered through {@code BroadcastHub.serve(exchange)}. Adapters implement these four methods
 * and nothing else, so every server maps requests and answers the same way: the hub reads the
 * method, the target and at most the body it accepts, and answers with a status and a JSON body.
 */
public interface ApiExchange {

    /** The request method, e.g. {@code POST}. */
    String method();

    /**
     * The request target as the client sent it: the path, still %-encoded, and the query after a
     * {@code ?}, e.g. {@code /apps/1/events?auth_key=...}.
     */
    String target();

    /**
     * Reads the request body, at most {@code max + 1} bytes: enough for the hub to answer 413
     * without reading a huge body to its end. {@link #streamed} does it for a stream.
     */
    byte[] body(int max) throws IOException;

    /** Writes the answer: {@code status}, {@code Content-Type: application/json}, its length and {@code json}. */
    void respond(int status, byte[] json) throws IOException;

    /** Writes an answer; see {@link #respond}. */
    @FunctionalInterface
    interface Responder {
        void respond(int status, byte[] json) throws IOException;
    }

    /** Opens a request's body stream. */
    @FunctionalInterface
    interface BodyStream {
        InputStream open() throws IOException;
    }

    /**
     * The exchange of a server that hands requests over as parts and a body stream (servlets,
     * Grizzly). The body is read the way every such adapter should: nothing unless the request
     * declares one ({@code Content-Length} above zero, or chunked), never past the declared length,
     * and at most {@code max + 1} bytes. Both matter: with {@code Upgrade: h2c} (the JDK client's
     * default) some servers never signal the end of the body, and a read past it blocks.
     *
     * @param requestUri       the path as sent, still %-encoded
     * @param query            the query as sent, or null
     * @param contentLength    the declared length, or -1
     * @param transferEncoding the {@code Transfer-Encoding} header, or null
     */
    static ApiExchange streamed(String method, String requestUri, String query, long contentLength,
            String transferEncoding, BodyStream body, Responder responder) {
        String target = query == null ? requestUri : requestUri + "?" + query;
        boolean chunked = "chunked".equalsIgnoreCase(transferEncoding);
        return new ApiExchange() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String target() {
                return target;
            }

            @Override
            public byte[] body(int max) throws IOException {
                if (contentLength > 0) {
                    return body.open().readNBytes((int) Math.min(contentLength, max + 1L));
                }
                return chunked ? body.open().readNBytes(max + 1) : new byte[0];
            }

            @Override
            public void respond(int status, byte[] json) throws IOException {
                responder.respond(status, json);
            }
        };
    }
}
