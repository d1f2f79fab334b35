package dev.broadcast.jakarta;

import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.AuthResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one of an {@link AuthEndpoint}'s two endpoints: channel authorization
 * ({@link #channels}, Echo's {@code /broadcasting/auth}) or user authentication
 * ({@link #users}, Echo's {@code /broadcasting/user-auth}).
 * {@link Broadcasting#installAuth} maps both; construct them yourself to map them elsewhere
 * (e.g. with Spring Boot's {@code ServletRegistrationBean}).
 *
 * <p>Accepts {@code POST} with an {@code application/x-www-form-urlencoded} body (what pusher-js
 * sends) or a JSON body (custom authorizers), reading at most {@link AuthEndpoint#MAX_BODY_BYTES}
 * (413 past it); other methods get 405 with {@code Allow: POST}. When the body is empty but the
 * request parameters hold {@code socket_id} (a filter such as a CSRF check read the form before
 * this servlet, or the query string carries it), the parameters are used. The user comes from the {@link UserResolver}. Every answer is JSON
 * ({@code Content-Type: application/json}, {@code Cache-Control: no-store}) with the status of
 * {@link AuthEndpoint}; a resolver that throws is answered with 500 and logged.
 *
 * <p>CORS preflight requests are not answered here: when the page is served from another
 * origin, put the container's CORS filter in front.
 *
 * @param <U> the application's user type
 */
public final class AuthServlet<U> extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(AuthServlet.class);
    private static final AuthResponse METHOD_NOT_ALLOWED = new AuthResponse(405, "{\"error\":\"Use POST\"}");
    private static final AuthResponse INTERNAL_ERROR = new AuthResponse(500, "{\"error\":\"Internal Server Error\"}");

    private final transient AuthEndpoint<U> endpoint;
    private final transient UserResolver<U> users;
    private final boolean userAuthentication;

    private AuthServlet(AuthEndpoint<U> endpoint, UserResolver<U> users, boolean userAuthentication) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.users = Objects.requireNonNull(users, "users");
        this.userAuthentication = userAuthentication;
    }

    /** The channel authorization endpoint: {@code socket_id} and {@code channel_name} in, a signature out. */
    public static <U> AuthServlet<U> channels(AuthEndpoint<U> endpoint, UserResolver<U> users) {
        return new AuthServlet<>(endpoint, users, false);
    }

    /** The user authentication endpoint ({@code pusher.signin()}): {@code socket_id} in, signed user data out. */
    public static <U> AuthServlet<U> users(AuthEndpoint<U> endpoint, UserResolver<U> users) {
        return new AuthServlet<>(endpoint, users, true);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            write(response, METHOD_NOT_ALLOWED);
            return;
        }
        byte[] body = readBody(request);
        U user;
        try {
            user = users.resolve(request);
        } catch (RuntimeException e) {
            LOG.error("The UserResolver failed for {}", request.getRequestURI(), e);
            write(response, INTERNAL_ERROR);
            return;
        }
        String socketId = body.length == 0 ? request.getParameter("socket_id") : null;
        if (socketId != null) {
            // a filter read the form into the parameters before us, and the body with it
            write(response, userAuthentication
                    ? endpoint.authenticateUser(user, socketId)
                    : endpoint.authorizeChannel(user, socketId, request.getParameter("channel_name")));
        } else {
            write(response, userAuthentication
                    ? endpoint.handleUserAuth(user, request.getContentType(), body)
                    : endpoint.handleChannelAuth(user, request.getContentType(), body));
        }
    }

    /**
     * At most one byte past the limit, so the endpoint can answer 413 without reading on; never
     * past a declared length. An undeclared length (chunked, or HTTP/2) reads to the end of the
     * stream, which the container marks.
     */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared == 0) {
            return new byte[0];
        }
        long limit = AuthEndpoint.MAX_BODY_BYTES + 1L;
        return request.getInputStream().readNBytes((int) (declared < 0 ? limit : Math.min(declared, limit)));
    }

    private static void write(HttpServletResponse response, AuthResponse answer) throws IOException {
        byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setHeader("Content-Type", "application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
