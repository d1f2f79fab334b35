package dev.broadcast.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A webhook endpoint on loopback that keeps every event it was posted. */
final class Webhooks implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> events = new ArrayList<>();

    Webhooks() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            synchronized (this) {
                body.path("events").forEach(events::add);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    /** "name channel [user]" of every event so far, in arrival order. */
    synchronized List<String> names() {
        return events.stream().map(e -> (e.path("name").asText() + " " + e.path("channel").asText() + " "
                + e.path("user_id").asText("")).trim()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
