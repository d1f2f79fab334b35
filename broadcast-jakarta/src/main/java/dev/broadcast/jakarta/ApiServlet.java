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
        hub.serve(new ApiExchange() {
            @Override
            public String method() {
                return request.getMethod();
            }

            @Override
            public String target() {
                String query = request.getQueryString();
                return query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
            }

            @Override
            public byte[] body(int max) throws IOException {
                return ApiExchange.readBody(request.getInputStream(), request.getContentLengthLong(),
                        "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding")), max);
            }

            @Override
            public void respond(int status, byte[] json) throws IOException {
                response.setStatus(status);
                response.setHeader("Content-Type", "application/json");
                response.setContentLength(json.length);
                response.getOutputStream().write(json);
            }
        });
    }
}
