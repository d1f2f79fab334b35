package dev.broadcast.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.micrometer.BroadcastMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} in Prometheus's text format on a port of its own ({@code --metrics-port}),
 * never on the port clients reach: the hub's meters ({@link BroadcastMetrics}: connections,
 * channels, messages and bytes in and out, deliveries, closes by code, webhooks, API answers by
 * status) and the JVM's and the process's (memory, GC, threads, classes, CPU, open files, uptime).
 * Every other path answers 404. Loaded only when that option is given, so an application that
 * embeds the server needs Micrometer only if it asks for this.
 */
final class MetricsEndpoint implements AutoCloseable {

    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsEndpoint(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Serves {@code hub}'s meters at {@code host:port}; port 0 picks a free one. */
    static MetricsEndpoint start(BroadcastHub hub, String host, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BroadcastMetrics(hub).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService threads = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "broadcast-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                    answer(exchange, 404, "application/json", "{\"error\":\"Not found: the meters are at /metrics\"}");
                } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    answer(exchange, 405, "application/json", "{\"error\":\"GET /metrics\"}");
                } else {
                    answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                }
            }
        });
        server.start();
        MetricsEndpoint endpoint = new MetricsEndpoint(server, threads);
        endpoint.gc.bindTo(registry);
        return endpoint;
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        gc.close();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
