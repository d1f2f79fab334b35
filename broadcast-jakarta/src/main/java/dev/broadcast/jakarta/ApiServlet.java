package dev.broadcast.jakarta;

import dev.broadcast.core.ApiRequest;
import dev.broadcast.core.ApiResponse;
import dev.broadcast.core.BroadcastHub;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Serves the Pusher HTTP API ({@code /apps/{id}/…}) and {@code /up} from a {@link BroadcastHub}.
 * Bodies larger than the hub accepts are refused with 413 without being read to the end.
 */
public final class ApiServlet extends HttpServlet {

    private final transient BroadcastHub hub;

    public ApiServlet(BroadcastHub hub) {
        this.hub = hub;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = ApiRequest.readBody(request.getInputStream(), request.getContentLengthLong(),
                "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding")), hub.maxApiBodyBytes());
        ApiResponse answer = hub.handle(new ApiRequest(request.getMethod(), decodedPath(request.getRequestURI()),
                request.getQueryString(), body));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setHeader("Content-Type", "application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The request path with %-escapes decoded, as the client signed it. */
    static String decodedPath(String rawPath) {
        try {
            return new URI("http", "h", null, null).resolve(rawPath).getPath();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return rawPath;
        }
    }
}
