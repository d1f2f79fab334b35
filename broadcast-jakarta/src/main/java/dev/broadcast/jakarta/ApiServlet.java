package dev.broadcast.jakarta;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ApiExchange;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

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
        // mapped to {prefix}/apps/* and {prefix}/up: the hub finds /apps/ itself, and is told /up
        boolean up = request.getPathInfo() == null && request.getServletPath().endsWith("/up");
        hub.serve(ApiExchange.streamed(request.getMethod(), up ? "/up" : request.getRequestURI(), request.getQueryString(),
                request.getContentLengthLong(), request.getHeader("Transfer-Encoding"), request::getInputStream,
                (status, json) -> {
                    response.setStatus(status);
                    response.setHeader("Content-Type", "application/json");
                    response.setContentLength(json.length);
                    response.getOutputStream().write(json);
                }));
    }
}
