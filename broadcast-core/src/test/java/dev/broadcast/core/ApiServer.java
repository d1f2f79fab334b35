package dev.broadcast.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 that records every request and answers with what {@code answer}
 * returns for it: a fixed status, or the answer of a real hub's {@link BroadcastHub#handle}.
 */
final class ApiServer implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String protocol, String path, String rawQuery, Map<String, List<String>> headers,
            byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return Wire.parse(bodyText());
        }

        /** The decoded query parameters, in the order sent. */
        Map<String, String> query() {
            Map<String, String> params = new LinkedHashMap<>();
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return params;
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();

    ApiServer(Function<Request, ApiResponse> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getProtocol(),
                    exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            synchronized (requests) {
                requests.add(request);
            }
            ApiResponse response = answer.apply(request);
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    /** Answers every request with {@code 200 {}}. */
    static ApiServer ok() throws IOException {
        return new ApiServer(request -> new ApiResponse(200, "{}"));
    }

    /** Hands every request to {@code hub}, as the server adapters do. */
    static ApiServer forwardingTo(BroadcastHub hub) throws IOException {
        return new ApiServer(r -> hub.handle(new ApiRequest(r.method(), r.path(), r.rawQuery(), r.body())));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
