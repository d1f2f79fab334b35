package dev.broadcast.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Authorization;
import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.ChannelType;
import dev.broadcast.core.config.App;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.Signatures;
import dev.broadcast.core.transport.SocketIds;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host application's two auth endpoints, over any HTTP stack: Laravel's
 * {@code /broadcasting/auth}, which signs a subscription to a private, encrypted private or
 * presence channel when the application's {@link ChannelRoutes} allow it for the signed-in user,
 * and {@code /broadcasting/user-auth}, which signs {@code pusher.signin()}. The answers are what
 * pusher-js and laravel-echo expect, signed with the app's key and secret:
 *
 * <ul>
 *   <li>private: {@code {"auth":"key:hex(HMAC(secret, socket_id:channel))"}}</li>
 *   <li>encrypted private: the same plus {@code "shared_secret"}, base64 of
 *       {@code SHA-256(channel ‖ masterKey)}, with which pusher-js decrypts what the server SDK
 *       encrypted with the same master key</li>
 *   <li>presence: {@code {"auth":"key:hex(HMAC(secret, socket_id:channel:channel_data))",
 *       "channel_data":"{\"user_id\":\"7\",\"user_info\":{…}}"}} ({@code user_info} left out
 *       when the route gives none; any other value is serialized with Jackson)</li>
 *   <li>user: {@code {"auth":"key:hex(HMAC(secret, socket_id::user::user_data))",
 *       "user_data":"{\"id\":\"7\",\"user_info\":{…}}"}}</li>
 * </ul>
 *
 * <p>Every other answer is {@code {"error":"…"}} with one of these statuses:
 * <table>
 *   <caption>Refusals</caption>
 *   <tr><th>status</th><th>when</th></tr>
 *   <tr><td>400</td><td>{@code socket_id} missing or not of the form {@code 1234.5678};
 *       {@code channel_name} missing or not a valid channel name; a public channel (they need no
 *       authorization, and pusher-js never asks); a body that does not parse</td></tr>
 *   <tr><td>403</td><td>no signed-in user (a null user), a route's denial, or a null
 *       {@link UserData}; the body is always {@code {"error":"Forbidden"}}: the reason is only
 *       logged, at DEBUG</td></tr>
 *   <tr><td>404</td><td>user authentication without a {@link Builder#userData} function</td></tr>
 *   <tr><td>413</td><td>a body over {@value #MAX_BODY_BYTES} bytes</td></tr>
 *   <tr><td>415</td><td>a body neither {@code application/x-www-form-urlencoded} nor JSON</td></tr>
 *   <tr><td>500</td><td>a route or the user-data function threw, or returned something that
 *       cannot be serialized; an encrypted channel without a master key. The body is
 *       {@code {"error":"Internal Server Error"}}; the cause is logged at ERROR with the
 *       channel</td></tr>
 * </table>
 * Requests are checked in this order: whether user authentication is enabled (404); the body
 * (413, 415, 400); the socket id and the channel name (400); the user (403); the master key of
 * an encrypted channel (500); the route or user-data function (403, 500). So a malformed request
 * is refused the same way whoever sends it, and routes only ever see well-formed channels.
 *
 * <p>Immutable and thread-safe. Routes and the user-data function run on the calling thread.
 *
 * @param <U> the application's user type
 */
public final class AuthEndpoint<U> {

    /** The largest request body {@link #handleChannelAuth} and {@link #handleUserAuth} read. */
    public static final int MAX_BODY_BYTES = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AuthEndpoint.class);
    private static final AuthResponse FORBIDDEN = new AuthResponse(403, "{\"error\":\"Forbidden\"}");
    private static final AuthResponse INTERNAL_ERROR = new AuthResponse(500, "{\"error\":\"Internal Server Error\"}");
    private static final String SOCKET_ID = "socket_id";
    private static final String CHANNEL_NAME = "channel_name";

    private final String key;
    private final String secret;
    private final ChannelRoutes<U> routes;
    private final byte[] masterKey;
    private final Function<? super U, UserData> userData;

    private AuthEndpoint(Builder<U> builder) {
        this.key = builder.key;
        this.secret = builder.secret;
        this.routes = builder.routes;
        this.masterKey = builder.masterKey;
        this.userData = builder.userData;
    }

    /**
     * Starts an endpoint that signs with {@code key} and {@code secret} (the app's, as the server
     * knows them) and authorizes channels with {@code routes}.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code key} or {@code secret} is blank
     */
    public static <U> Builder<U> builder(String key, String secret, ChannelRoutes<U> routes) {
        return new Builder<>(key, secret, routes);
    }

    /** Starts an endpoint that signs with the key and secret of {@code app}. */
    public static <U> Builder<U> builder(App app, ChannelRoutes<U> routes) {
        return new Builder<>(app.key(), app.secret(), routes);
    }

    /**
     * Answers a channel authorization request ({@code /broadcasting/auth}) whose body is
     * {@code socket_id=…&channel_name=…} (pusher-js) or {@code {"socket_id":"…","channel_name":"…"}}
     * (custom authorizers). Other fields are ignored.
     *
     * @param user        the signed-in user, null when nobody is signed in
     * @param contentType the request's {@code Content-Type}, parameters such as {@code charset} allowed
     * @param body        the request body; a caller may stop reading after {@link #MAX_BODY_BYTES}
     *                    plus one byte, which is enough for the 413
     */
    public AuthResponse handleChannelAuth(U user, String contentType, byte[] body) {
        try {
            Map<String, String> fields = fields(contentType, body);
            return authorizeChannel(user, fields.get(SOCKET_ID), fields.get(CHANNEL_NAME));
        } catch (Refused refused) {
            return refused.response;
        }
    }

    /**
     * Answers a user authentication request ({@code /broadcasting/user-auth}) whose body holds
     * {@code socket_id}, as a form or as JSON; see {@link #handleChannelAuth}.
     */
    public AuthResponse handleUserAuth(U user, String contentType, byte[] body) {
        if (userData == null) {
            return userAuthDisabled();
        }
        try {
            return authenticateUser(user, fields(contentType, body).get(SOCKET_ID));
        } catch (Refused refused) {
            return refused.response;
        }
    }

    /**
     * Signs {@code user}'s subscription of the connection {@code socketId} to {@code channelName}
     * (the full name, prefix included) if the routes allow it; see the class comment for the
     * answers.
     *
     * @param user the signed-in user, null when nobody is signed in (403)
     */
    public AuthResponse authorizeChannel(U user, String socketId, String channelName) {
        AuthResponse refused = socketIdProblem(socketId);
        if (refused != null) {
            return refused;
        }
        if (channelName == null) {
            return error(400, "channel_name is missing");
        }
        ChannelType type;
        try {
            type = Channel.parse(channelName).type();
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        if (type == ChannelType.PUBLIC) {
            return error(400, "Public channels need no authorization: " + channelName);
        }
        if (user == null) {
            LOG.debug("Refused {} to socket {}: nobody is signed in", channelName, socketId);
            return FORBIDDEN;
        }
        if (type == ChannelType.ENCRYPTED_PRIVATE && masterKey == null) {
            LOG.error("Cannot authorize {}: encrypted channels need the master key the server SDK encrypts with;"
                    + " configure it with AuthEndpoint.builder(...).encryptionMasterKey(base64 of 32 bytes)", channelName);
            return INTERNAL_ERROR;
        }
        Authorization answer;
        try {
            answer = routes.authorize(user, channelName);
        } catch (RuntimeException e) {
            LOG.error("The channel route for {} failed", channelName, e);
            return INTERNAL_ERROR;
        }
        if (answer instanceof Authorization.Denied denied) {
            LOG.debug("Refused {} to socket {}: {}", channelName, socketId, denied.reason());
            return FORBIDDEN;
        }
        String signed = socketId + ":" + channelName;
        ObjectNode body = Json.object();
        if (answer instanceof Authorization.Member member) {
            ObjectNode data = Json.object().put("user_id", member.userId());
            String channelData;
            try {
                channelData = Json.write(withInfo(data, member.userInfo()));
            } catch (RuntimeException e) {
                LOG.error("Cannot serialize the user_info of member {} of {}", member.userId(), channelName, e);
                return INTERNAL_ERROR;
            }
            // signed over the exact string the client will send back
            body.put("auth", Signatures.auth(key, secret, signed + ":" + channelData)).put("channel_data", channelData);
        } else {
            body.put("auth", Signatures.auth(key, secret, signed));
            if (type == ChannelType.ENCRYPTED_PRIVATE) {
                body.put("shared_secret", Signatures.sharedSecret(channelName, masterKey));
            }
        }
        return new AuthResponse(200, Json.write(body));
    }

    /**
     * Signs the signin of the connection {@code socketId} as {@code user}, with the
     * {@link UserData} the builder's {@link Builder#userData} function gives for it; see the
     * class comment for the answers.
     *
     * @param user the signed-in user, null when nobody is signed in (403)
     */
    public AuthResponse authenticateUser(U user, String socketId) {
        if (userData == null) {
            return userAuthDisabled();
        }
        AuthResponse refused = socketIdProblem(socketId);
        if (refused != null) {
            return refused;
        }
        if (user == null) {
            LOG.debug("Refused signin of socket {}: nobody is signed in", socketId);
            return FORBIDDEN;
        }
        String json;
        try {
            UserData data = userData.apply(user);
            if (data == null) {
                LOG.debug("Refused signin of socket {}: the userData function returned null", socketId);
                return FORBIDDEN;
            }
            json = Json.write(withInfo(Json.object().put("id", data.id()), data.info()));
        } catch (RuntimeException e) {
            LOG.error("The userData function failed for the signin of socket {}", socketId, e);
            return INTERNAL_ERROR;
        }
        ObjectNode body = Json.object()
                .put("auth", Signatures.auth(key, secret, socketId + "::user::" + json))
                .put("user_data", json);
        return new AuthResponse(200, Json.write(body));
    }

    private static AuthResponse userAuthDisabled() {
        LOG.warn("A client asked for user authentication (pusher.signin()), but this AuthEndpoint has no"
                + " userData(...) function; answering 404");
        return error(404, "User authentication is not enabled");
    }

    private static ObjectNode withInfo(ObjectNode target, Object info) {
        JsonNode tree = info == null ? null : Json.tree(info);
        if (tree != null && !tree.isNull()) {
            target.set("user_info", tree);
        }
        return target;
    }

    private static AuthResponse socketIdProblem(String socketId) {
        if (socketId == null) {
            return error(400, "socket_id is missing");
        }
        return SocketIds.isValid(socketId) ? null : error(400, "socket_id must look like 1234.5678");
    }

    private static AuthResponse error(int status, String message) {
        return new AuthResponse(status, "{\"error\":" + Json.quote(message) + "}");
    }

    /** {@code socket_id} and {@code channel_name} from a form or JSON body; absent ones are missing. */
    private static Map<String, String> fields(String contentType, byte[] body) throws Refused {
        if (body.length > MAX_BODY_BYTES) {
            throw new Refused(413, "Request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String media = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded")) {
            return formFields(new String(body, StandardCharsets.UTF_8));
        }
        if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
            return jsonFields(body);
        }
        throw new Refused(415, "Content-Type must be application/x-www-form-urlencoded or application/json");
    }

    private static Map<String, String> formFields(String form) throws Refused {
        Map<String, String> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if ((name.equals(SOCKET_ID) || name.equals(CHANNEL_NAME))
                    && fields.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                throw new Refused(400, name + " appears more than once");
            }
        }
        return fields;
    }

    private static String decode(String encoded) throws Refused {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "Malformed form body: " + e.getMessage());
        }
    }

    private static Map<String, String> jsonFields(byte[] body) throws Refused {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (IOException e) {
            throw new Refused(400, "Malformed JSON body");
        }
        if (!node.isObject()) {
            throw new Refused(400, "JSON body must be an object");
        }
        Map<String, String> fields = new HashMap<>();
        for (String name : new String[] {SOCKET_ID, CHANNEL_NAME}) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new Refused(400, name + " must be a string");
                }
                fields.put(name, value.asText());
            }
        }
        return fields;
    }

    /** A refusal found while reading the body. */
    private static final class Refused extends Exception {
        final transient AuthResponse response;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.response = error(status, message);
        }
    }

    /**
     * Configures an {@link AuthEndpoint}. Not thread-safe; the endpoint it builds is.
     *
     * @param <U> the application's user type
     */
    public static final class Builder<U> {
        private final String key;
        private final String secret;
        private final ChannelRoutes<U> routes;
        private byte[] masterKey;
        private Function<? super U, UserData> userData;

        private Builder(String key, String secret, ChannelRoutes<U> routes) {
            this.key = credential("key", key);
            this.secret = credential("secret", secret);
            this.routes = Objects.requireNonNull(routes, "routes");
        }

        /**
         * The master key of encrypted channels, base64 of exactly 32 bytes: the
         * {@code encryptionMasterKeyBase64} the server SDKs encrypt with. Without it, encrypted
         * channels are answered with 500.
         *
         * @throws NullPointerException     if {@code base64} is null
         * @throws IllegalArgumentException if it is not base64, or not of 32 bytes (the message
         *                                  never repeats the key)
         */
        public Builder<U> encryptionMasterKey(String base64) {
            Objects.requireNonNull(base64, "encryptionMasterKey");
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(base64.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("encryptionMasterKey is not valid base64;"
                        + " generate a key with: openssl rand -base64 32");
            }
            if (decoded.length != 32) {
                throw new IllegalArgumentException("encryptionMasterKey must be 32 bytes encoded as base64, but it decodes to "
                        + decoded.length + " bytes; generate a key with: openssl rand -base64 32");
            }
            this.masterKey = decoded;
            return this;
        }

        /**
         * Enables user authentication ({@code pusher.signin()}): {@code userData} turns the
         * signed-in user into its {@link UserData}; a null result refuses the signin with 403.
         * Without it, user authentication is answered with 404.
         */
        public Builder<U> userData(Function<? super U, UserData> userData) {
            this.userData = Objects.requireNonNull(userData, "userData");
            return this;
        }

        /** The endpoint. */
        public AuthEndpoint<U> build() {
            return new AuthEndpoint<>(this);
        }

        private static String credential(String what, String value) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException("The app " + what + " must not be blank");
            }
            return value;
        }
    }
}
