package dev.broadcast.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;

/** A webhook endpoint on 127.0.0.1 that records every POST and answers with a chosen status. */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> headerValues(String name) {
            return headers.getOrDefault(name, List.of());
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return Wire.parse(bodyText());
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();

    /** @param statusForAttempt the status to answer the n-th request with (1-based) */
    WebhookReceiver(IntUnaryOperator statusForAttempt) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int attempt;
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body));
                attempt = requests.size();
                requests.notifyAll();
            }
            exchange.sendResponseHeaders(statusForAttempt.applyAsInt(attempt), -1);
            exchange.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every event of every body received so far, in order of receipt. */
    List<JsonNode> events() {
        List<JsonNode> events = new ArrayList<>();
        for (Request request : requests()) {
            request.json().get("events").forEach(events::add);
        }
        return events;
    }

    /** Waits until {@code n} requests arrived, at most {@code timeout}; fails otherwise. */
    List<Request> awaitRequests(int n, Duration timeout) {
        awaitCondition(() -> requests().size() >= n, timeout, () -> "expected " + n + " webhook requests, got " + requests());
        return requests();
    }

    /** Waits until {@code n} events arrived, at most {@code timeout}; fails otherwise. */
    List<JsonNode> awaitEvents(int n, Duration timeout) {
        awaitCondition(() -> events().size() >= n, timeout, () -> "expected " + n + " webhook events, got " + events());
        return events();
    }

    /** Polls {@code condition} until true or the deadline passes; never waits unbounded. */
    static void awaitCondition(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + message.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
