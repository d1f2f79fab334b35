package dev.broadcast.core.internal.fallback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pusher-js's HTTP fallback transports, {@code xhr_streaming} and {@code xhr_polling}, on any
 * adapter that hands over {@link FallbackExchange}s: the sessions of one hub, the routing of their
 * requests, CORS, heartbeats and the idle timeout.
 *
 * <ul>
 *   <li>{@code POST /app/{key}/{server}/{session}/xhr_streaming} or {@code …/xhr} opens a session
 *       ({@code o}) and connects it to the engine like a WebSocket handshake; later ones attach to
 *       it and receive {@code a[…]} lines (see {@link HttpSession}).</li>
 *   <li>{@code POST …/xhr_send} with a JSON array of strings: each is one protocol message, as a
 *       WebSocket text frame would carry it; {@code []} is a ping.</li>
 *   <li>Every {@link #heartbeat}, an idle stream gets {@code h} and a held poll is answered with
 *       it; a session whose client has made no request for {@link #idleTimeout} ends as a dropped
 *       WebSocket does (presence leave, webhooks).</li>
 * </ul>
 */
public final class HttpSessions implements AutoCloseable {

    /** {@code /app/{key}/{server}/{session}/{kind}}, as pusher-js builds it: server 0–999, session 8 of [0-9a-v]. */
    private static final Pattern PATH = Pattern.compile("/app/([^/]+)/([0-9]{1,3})/([0-9a-v]{8})/(xhr_streaming|xhr|xhr_send)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROTOCOL = "protocol=";

    private final BiFunction<ConnectRequest, Transport, Connection> connect;
    private final BiPredicate<String, String> originAllowed;
    private final ToIntFunction<String> maxBodyBytes;
    private final InstantSource elapsed;
    private final Duration heartbeat;
    private final Duration idleTimeout;
    /** What opens a session: {@code o}, or {@code o{"hostname":…}} to pin the session's requests to this node. */
    private final byte[] openLine;
    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    /** The heartbeat and timeout sweep, started with the first session: a hub without HTTP clients runs none. */
    private Scheduler.Cancellable sweep;
    private boolean closed;

    /**
     * @param connect       opens an engine connection, as a WebSocket handshake does
     * @param originAllowed whether an app (by key) allows an {@code Origin}; decides the CORS headers
     * @param maxBodyBytes  the largest {@code xhr_send} body an app (by key) takes
     * @param hostname      the name by which clients reach this node directly, or null: pusher-js
     *                      sends the rest of a session's requests there
     */
    public HttpSessions(BiFunction<ConnectRequest, Transport, Connection> connect, BiPredicate<String, String> originAllowed,
            ToIntFunction<String> maxBodyBytes, Scheduler scheduler, InstantSource elapsed, Duration heartbeat,
            Duration idleTimeout, String hostname) {
        this.connect = connect;
        this.originAllowed = originAllowed;
        this.maxBodyBytes = maxBodyBytes;
        this.elapsed = elapsed;
        this.heartbeat = heartbeat;
        this.idleTimeout = idleTimeout;
        this.scheduler = scheduler;
        this.openLine = (hostname == null ? "o\n" : "o{\"hostname\":" + Lines.quote(hostname) + "}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private synchronized void startSweeping() {
        if (sweep == null && !closed) {
            Duration tick = heartbeat.compareTo(idleTimeout) < 0 ? heartbeat : idleTimeout;
            sweep = scheduler.scheduleAtFixedRate(this::sweep, tick.dividedBy(5).isZero() ? tick : tick.dividedBy(5));
        }
    }

    /** Sessions open now. */
    public int count() {
        return sessions.size();
    }

    long now() {
        return elapsed.millis();
    }

    /** Serves one request; never throws for bad input, which gets a status and a JSON error. */
    public void serve(FallbackExchange exchange) throws IOException {
        Matcher path = PATH.matcher(exchange.path());
        if (!path.matches()) {
            refuse(exchange, 404, "Not found: the HTTP transports live at /app/{key}/{server}/{session}/xhr_streaming, xhr"
                    + " or xhr_send", null);
            return;
        }
        String key = path.group(1);
        String origin = exchange.origin();
        String allowOrigin = origin != null && originAllowed.test(key, origin) ? origin : null;
        if (exchange.method().equals("OPTIONS")) {
            Map<String, String> headers = headers(allowOrigin);
            headers.put("Access-Control-Allow-Methods", "POST, OPTIONS");
            headers.put("Access-Control-Allow-Headers", "Content-Type");
            headers.put("Access-Control-Max-Age", "86400");
            exchange.start(204, headers);
            exchange.end();
            return;
        }
        if (!exchange.method().equals("POST")) {
            refuse(exchange, 405, "The HTTP transports take POST", allowOrigin);
            return;
        }
        String id = key + "/" + path.group(2) + "/" + path.group(3);
        switch (path.group(4)) {
            case "xhr_send" -> send(exchange, id, key, allowOrigin);
            case "xhr_streaming" -> receive(exchange, id, key, origin, allowOrigin, false);
            default -> receive(exchange, id, key, origin, allowOrigin, true);
        }
    }

    private void receive(FallbackExchange exchange, String id, String key, String origin, String allowOrigin, boolean poll) {
        long now = now();
        HttpSession session = sessions.get(id);
        boolean opening = false;
        if (session == null) {
            HttpSession created = new HttpSession(this, id, key, openLine, now);
            session = sessions.putIfAbsent(id, created);
            if (session == null) {
                session = created;
                opening = true;
                startSweeping();
            }
        }
        Map<String, String> headers = headers(allowOrigin);
        headers.put("Content-Type", "application/javascript; charset=UTF-8");
        switch (session.attach(exchange, poll, now, headers)) {
            case BUSY -> {
                refuse(exchange, 409, "This session is receiving on another request already", allowOrigin);
                return;
            }
            case ENDED -> {
                refuse(exchange, 404, "This session has ended; open a new one", allowOrigin);
                return;
            }
            case ATTACHED -> {
                // written to by the session from now on
            }
        }
        if (opening) {
            Connection connection = connect.apply(new ConnectRequest(key, protocol(exchange.query()), origin), session);
            if (!session.connected(connection)) {
                connection.closed(); // dropped while it opened: gone as a dropped WebSocket
            }
        }
    }

    private void send(FallbackExchange exchange, String id, String key, String allowOrigin) throws IOException {
        HttpSession session = sessions.get(id);
        if (session == null || session.connection() == null) {
            refuse(exchange, 404, "Unknown session: open it with xhr_streaming or xhr first", allowOrigin);
            return;
        }
        int max = maxBodyBytes.applyAsInt(key);
        byte[] body = exchange.body(max);
        if (body.length > max) {
            refuse(exchange, 413, "The body is larger than " + max + " bytes", allowOrigin);
            return;
        }
        List<String> messages = messages(body);
        if (messages == null) {
            refuse(exchange, 400, "The body must be a JSON array of strings", allowOrigin);
            return;
        }
        session.seen(now());
        Connection connection = session.connection();
        synchronized (session) { // one message at a time per connection, whatever the requests overlap
            if (messages.isEmpty()) {
                connection.touch();
            }
            for (String message : messages) {
                connection.receive(message);
            }
        }
        exchange.start(204, headers(allowOrigin));
        exchange.end();
    }

    /** The strings of a JSON array of strings, or null if the body is not one. */
    static List<String> messages(byte[] body) {
        JsonNode array;
        try {
            array = JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> messages = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            if (!element.isTextual()) {
                return null;
            }
            messages.add(element.textValue());
        }
        return messages;
    }

    private static String protocol(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(PROTOCOL)) {
                return pair.substring(PROTOCOL.length());
            }
        }
        return null;
    }

    /** No caching, no proxy buffering, and CORS for an allowed origin. */
    private static Map<String, String> headers(String allowOrigin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
        headers.put("X-Accel-Buffering", "no");
        if (allowOrigin != null) {
            headers.put("Access-Control-Allow-Origin", allowOrigin);
            headers.put("Access-Control-Allow-Credentials", "true");
            headers.put("Vary", "Origin");
        }
        return headers;
    }

    private static void refuse(FallbackExchange exchange, int status, String error, String allowOrigin) {
        Map<String, String> headers = headers(allowOrigin);
        headers.put("Content-Type", "application/json");
        exchange.start(status, headers);
        String json = "{\"error\":" + Lines.quote(error) + "}";
        exchange.write(json.getBytes(StandardCharsets.UTF_8), failure -> exchange.end());
    }

    void remove(HttpSession session) {
        sessions.remove(session.id, session);
    }

    /** Heartbeats, and the end of sessions whose client is gone. */
    void sweep() {
        long now = now();
        for (HttpSession session : sessions.values()) {
            if (now - session.lastSeen() > idleTimeout.toMillis() || session.ended() && !session.receiving()) {
                end(session);
            } else {
                session.beat(now, heartbeat.toMillis());
            }
        }
    }

    /** The client of {@code session} has gone. */
    void gone(HttpSession session) {
        end(session);
    }

    private void end(HttpSession session) {
        if (sessions.remove(session.id, session)) {
            Connection connection = session.connection();
            session.abandon();
            if (connection != null) {
                connection.closed(); // as a dropped WebSocket: presence leave, webhooks
            }
        }
    }

    /** Ends every session. The engine closes their connections itself when the hub closes. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (sweep != null) {
                sweep.cancel();
            }
        }
        for (HttpSession session : List.copyOf(sessions.values())) {
            end(session);
        }
    }
}
