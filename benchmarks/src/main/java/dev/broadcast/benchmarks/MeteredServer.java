package dev.broadcast.benchmarks;

import dev.broadcast.micrometer.BroadcastMetrics;
import dev.broadcast.server.BroadcastServer;
import dev.broadcast.server.ServerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code server+metrics} target: the standalone server (same options as the jar) with
 * {@link BroadcastMetrics} bound to a {@link PrometheusMeterRegistry} that a daemon thread scrapes
 * once a second, as a Prometheus with a 1 s scrape interval would. Nothing serves the text; the
 * scrape is the cost being measured.
 *
 * <p>{@code java -cp benchmarks.jar dev.broadcast.benchmarks.MeteredServer --port 8080 ...}
 */
public final class MeteredServer implements AutoCloseable {

    private final BroadcastServer server;
    private final PrometheusMeterRegistry registry;
    private final ScheduledExecutorService scraper;
    private volatile String lastScrape = "";

    private MeteredServer(BroadcastServer server) {
        this.server = server;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BroadcastMetrics(server.hub()).bindTo(registry);
        this.scraper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "prometheus-scrape");
            thread.setDaemon(true);
            return thread;
        });
        scraper.scheduleAtFixedRate(() -> lastScrape = registry.scrape(), 1, 1, TimeUnit.SECONDS);
    }

    /** Starts the server with the jar's options and the scraped registry. */
    static MeteredServer start(String[] args) throws IOException {
        return new MeteredServer(BroadcastServer.start(ServerOptions.parse(args, Map.of())));
    }

    int port() {
        return server.port();
    }

    /** The scrape's line for {@code name}, e.g. {@code broadcast_deliveries_total 1.0E7}. */
    String lastScraped(String name) {
        return lastScrape.lines().filter(line -> line.startsWith(name + " ")).findFirst().orElse(name + " (none yet)");
    }

    @Override
    public void close() {
        scraper.shutdownNow();
        server.close();
    }

    public static void main(String[] args) throws Exception {
        MeteredServer metered = start(args);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("last scrape: " + metered.lastScraped("broadcast_deliveries_total") + ", "
                    + metered.lastScraped("broadcast_connections"));
            metered.close();
            stopped.countDown();
        }, "metered-shutdown"));
        System.out.println("broadcast-server with metrics listening on port " + metered.port()
                + ", Prometheus registry scraped every second");
        stopped.await();
    }
}
