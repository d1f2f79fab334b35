package dev.broadcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import dev.broadcast.core.watch.Activity;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debug console at {@code /console} ({@code --console}; off by default), like Pusher's: log in
 * with an app's key and secret, then see the app's connections, channels and presence members,
 * a live tail of what happens in it ({@link BroadcastHub#watch}: connections, subscriptions,
 * events, client events, refusals) and a form that sends a test event. Plain HTML and JavaScript
 * served from the jar.
 *
 * <p>{@code POST /console/api/login} with the key and secret sets an HttpOnly, SameSite=Strict
 * cookie (Secure over TLS) for eight hours; every other {@code /console/api/} call needs it, and
 * the posts need {@code Content-Type: application/json}, which a form of another site cannot
 * send. The state is read through the app's own HTTP API (so it counts there); the tail is a
 * server-sent event stream that drops what a slow browser cannot take rather than queueing it.
 */
final class DebugConsole {

    private static final Logger LOG = LoggerFactory.getLogger(DebugConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PREFIX = "/console";
    static final String COOKIE = "broadcast_console";
    static final Duration SESSION = Duration.ofHours(8);
    /** Lines of the live tail waiting for a console's event loop; past it they are dropped and counted. */
    static final int MAX_PENDING_LINES = 1000;
    /** Failed logins allowed a minute, for the whole server: guessing a secret is not a pastime. */
    static final int FAILED_LOGINS_PER_MINUTE = 10;
    private static final Map<String, String> FILES = Map.of(
            "/console", "index.html", "/console/", "index.html",
            "/console/console.js", "console.js", "/console/console.css", "console.css");

    private final BroadcastHub hub;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger failedLogins = new AtomicInteger();
    private final AtomicLong failedLoginsMinute = new AtomicLong();

    private record Session(App app, long expiresAtMillis) {
    }

    DebugConsole(BroadcastHub hub) {
        this.hub = hub;
    }

    /** Whether {@code path} is the console's. */
    static boolean isConsole(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers one request under {@code /console}. */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String file = FILES.get(path);
        if (file != null && request.method().equals(HttpMethod.GET)) {
            file(ctx, file, keepAlive);
            return;
        }
        if (path.equals(PREFIX + "/api/login") && request.method().equals(HttpMethod.POST)) {
            login(ctx, request, keepAlive);
            return;
        }
        if (!path.startsWith(PREFIX + "/api/")) {
            json(ctx, 404, error("Not found"), keepAlive, null);
            return;
        }
        Session session = session(request);
        if (session == null) {
            json(ctx, 401, error("Log in with the app's key and secret"), keepAlive, null);
            return;
        }
        boolean post = request.method().equals(HttpMethod.POST);
        if (post && !String.valueOf(request.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("application/json")) {
            json(ctx, 415, error("Send JSON (Content-Type: application/json)"), keepAlive, null);
            return;
        }
        switch (path.substring((PREFIX + "/api").length()) + (post ? " POST" : " GET")) {
            case "/state GET" -> json(ctx, 200, state(session.app()), keepAlive, null);
            case "/tail GET" -> tail(ctx, session.app());
            case "/trigger POST" -> trigger(ctx, request, session.app(), keepAlive);
            case "/logout POST" -> {
                sessions.values().remove(session);
                json(ctx, 200, JSON.createObjectNode().put("loggedOut", true), keepAlive, expiredCookie());
            }
            default -> json(ctx, 404, error("Not found"), keepAlive, null);
        }
    }

    private void login(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        long minute = System.currentTimeMillis() / 60_000;
        if (failedLoginsMinute.getAndSet(minute) != minute) {
            failedLogins.set(0);
        }
        if (failedLogins.get() >= FAILED_LOGINS_PER_MINUTE) {
            json(ctx, 429, error("Too many failed logins; try again in a minute"), keepAlive, null);
            return;
        }
        JsonNode body = parse(request);
        String key = body == null ? null : body.path("key").asText(null);
        String secret = body == null ? "" : body.path("secret").asText("");
        App app = key == null ? null : hub.appByKey(key).orElse(null);
        if (app == null || !MessageDigest.isEqual(app.secret().getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            failedLogins.incrementAndGet();
            LOG.info("Debug console: a login with a wrong key or secret from {}", ctx.channel().remoteAddress());
            json(ctx, 401, error("Wrong key or secret"), keepAlive, null);
            return;
        }
        byte[] token = new byte[32];
        random.nextBytes(token);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        long now = System.currentTimeMillis();
        sessions.values().removeIf(session -> session.expiresAtMillis() < now);
        sessions.put(id, new Session(app, now + SESSION.toMillis()));
        DefaultCookie cookie = new DefaultCookie(COOKIE, id);
        cookie.setPath(PREFIX);
        cookie.setHttpOnly(true);
        cookie.setSecure(ctx.pipeline().get(SslHandler.class) != null);
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        cookie.setMaxAge(SESSION.toSeconds());
        LOG.info("Debug console: logged in to app {} from {}", app.id(), ctx.channel().remoteAddress());
        json(ctx, 200, JSON.createObjectNode().put("appId", app.id()).put("key", app.key()), keepAlive,
                ServerCookieEncoder.STRICT.encode(cookie));
    }

    private Session session(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.STRICT.decode(header)) {
            if (cookie.name().equals(COOKIE)) {
                Session session = sessions.get(cookie.value());
                if (session != null && session.expiresAtMillis() > System.currentTimeMillis()) {
                    return session;
                }
            }
        }
        return null;
    }

    /** Connections, channels with their subscription counts and presence members, read through the app's API. */
    private ObjectNode state(App app) {
        ObjectNode state = JSON.createObjectNode().put("appId", app.id()).put("key", app.key());
        state.put("connections", api(app, "/connections", "").path("connections").asInt());
        ArrayNode channels = state.putArray("channels");
        JsonNode listed = api(app, "/channels", "info=subscription_count").path("channels");
        listed.fieldNames().forEachRemaining(name -> {
            ObjectNode channel = channels.addObject().put("name", name)
                    .put("subscriptions", listed.path(name).path("subscription_count").asInt());
            if (name.startsWith("presence-")) {
                ArrayNode members = channel.putArray("members");
                api(app, "/channels/" + name + "/users", "").path("users").forEach(user -> members.add(user.path("id").asText()));
            }
        });
        return state;
    }

    /** {@code GET /apps/{id}{resource}?{extra}} through the app's own HTTP API, signed with its secret. */
    private JsonNode api(App app, String resource, String extra) {
        String path = "/apps/" + app.id() + resource;
        String query = ApiSigner.query(app.key(), app.secret(), "GET", path, extra, null, System.currentTimeMillis() / 1000);
        ApiResponse response = hub.handle(new ApiRequest("GET", path, query, new byte[0]));
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private void trigger(ChannelHandlerContext ctx, FullHttpRequest request, App app, boolean keepAlive) {
        JsonNode body = parse(request);
        String channel = body == null ? null : body.path("channel").asText(null);
        String event = body == null ? null : body.path("event").asText(null);
        String data = body == null ? null : body.path("data").asText(null);
        if (channel == null || event == null || data == null) {
            json(ctx, 400, error("Send {\"channel\":…, \"event\":…, \"data\":…} (data as a string)"), keepAlive, null);
            return;
        }
        try {
            int reached = hub.trigger(app.id(), List.of(channel), event, data, null);
            json(ctx, 200, JSON.createObjectNode().put("reached", reached), keepAlive, null);
        } catch (IllegalArgumentException e) {
            json(ctx, 400, error(e.getMessage()), keepAlive, null);
        }
    }

    /** The live tail: a server-sent event per activity, a comment every 15 s to keep proxies from timing out. */
    private void tail(ChannelHandlerContext ctx, App app) {
        Channel channel = ctx.channel();
        NettyServer.Admitting.upgraded(channel); // a long-lived client, not a stranger's socket to shed
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache").set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(head, true);
        channel.write(head);
        channel.writeAndFlush(chunk(": the activity of app " + app.id() + "\n\n"));
        AtomicLong dropped = new AtomicLong();
        AtomicInteger pending = new AtomicInteger();
        AutoCloseable watch = hub.watch(app.id(), activity -> {
            if (pending.incrementAndGet() > MAX_PENDING_LINES) { // the loop is behind: drop, never queue without bound
                pending.decrementAndGet();
                dropped.incrementAndGet();
                return;
            }
            channel.eventLoop().execute(() -> {
                pending.decrementAndGet();
                if (!channel.isActive()) {
                    return;
                }
                if (!channel.isWritable()) {
                    dropped.incrementAndGet(); // a slow browser loses lines, the server holds nothing for it
                    return;
                }
                channel.writeAndFlush(chunk("data: " + line(activity, dropped.getAndSet(0)) + "\n\n"));
            });
        });
        ScheduledFuture<?> keepAlive = channel.eventLoop().scheduleAtFixedRate(
                () -> channel.writeAndFlush(chunk(": keep-alive\n\n")), 15, 15, TimeUnit.SECONDS);
        channel.closeFuture().addListener(closed -> {
            keepAlive.cancel(false);
            try {
                watch.close();
            } catch (Exception ignored) {
                // removing a watcher does not fail
            }
        });
    }

    private static String line(Activity activity, long droppedBefore) {
        ObjectNode json = JSON.createObjectNode().put("at", activity.at().toString()).put("kind", activity.kind().name())
                .put("socketId", activity.socketId()).put("channel", activity.channel()).put("event", activity.event())
                .put("detail", activity.detail());
        if (droppedBefore > 0) {
            json.put("dropped", droppedBefore);
        }
        return json.toString();
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static JsonNode parse(FullHttpRequest request) {
        try {
            JsonNode json = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static String expiredCookie() {
        DefaultCookie cookie = new DefaultCookie(COOKIE, "");
        cookie.setPath(PREFIX);
        cookie.setMaxAge(0);
        cookie.setHttpOnly(true);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private static void json(ChannelHandlerContext ctx, int status, JsonNode body, boolean keepAlive, String cookie) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (cookie != null) {
            response.headers().set(HttpHeaderNames.SET_COOKIE, cookie);
        }
        send(ctx, response, keepAlive);
    }

    private static void file(ChannelHandlerContext ctx, String name, boolean keepAlive) {
        byte[] bytes;
        try (InputStream in = DebugConsole.class.getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new IOException("missing from the jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            json(ctx, 500, error("The console's " + name + " is " + e.getMessage()), keepAlive, null);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(bytes));
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; frame-ancestors 'none'")
                .set("X-Content-Type-Options", "nosniff")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        send(ctx, response, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
