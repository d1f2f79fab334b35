package dev.broadcast.core.transport;

import java.io.IOException;
import java.util.Map;

/**
 * One HTTP request of pusher-js's fallback transports, {@code xhr_streaming} and
 * {@code xhr_polling}, as an adapter's HTTP server holds it, served through
 * {@code BroadcastHub.serveFallback(exchange)}: a receive request ({@code xhr_streaming},
 * {@code xhr}) that the hub may hold open and write to for as long as the client keeps it, a
 * send ({@code xhr_send}) or a CORS preflight ({@code OPTIONS}). The adapter hands the request
 * over and writes what the hub tells it to; the session, its frames and its timers are the hub's.
 *
 * <p>Threading: the hub calls {@link #start} once, then {@link #write} one chunk at a time (the
 * next only after the previous one's {@code done}), then at most one {@link #end}, from any
 * thread. A held request must not hold a thread of the adapter's server.
 */
public interface FallbackExchange {

    /** The request method: {@code POST}, or {@code OPTIONS} for a preflight. */
    String method();

    /**
     * The path below the adapter's prefix (by default {@code /pusher}), still %-encoded:
     * {@code /app/{key}/{server}/{session}/{xhr_streaming|xhr|xhr_send}}.
     */
    String path();

    /** The query as sent ({@code protocol=7&client=js&…}), or null. */
    String query();

    /** The {@code Origin} header, or null. */
    String origin();

    /** Reads the request body, at most {@code max + 1} bytes. */
    byte[] body(int max) throws IOException;

    /**
     * Starts the response: {@code status} and {@code headers} (content type, caching, CORS),
     * and from then on a chunked body of what {@link #write} is given.
     */
    void start(int status, Map<String, String> headers);

    /**
     * Writes {@code chunk} and flushes it to the client at once (a proxy or server buffer that
     * waited for more would stall the stream).
     *
     * @param done called once when the chunk was written ({@code null}) or could not be (the cause)
     */
    void write(byte[] chunk, Transport.SendCallback done);

    /** Ends the response. */
    void end();

    /**
     * Runs {@code gone} once if the client goes away (aborts the request, or its connection
     * closes) before {@link #end}. pusher-js never says goodbye: it drops its request.
     */
    void onAbort(Runnable gone);
}
