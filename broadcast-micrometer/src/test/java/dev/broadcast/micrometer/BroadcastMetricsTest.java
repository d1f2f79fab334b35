package dev.broadcast.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BroadcastMetricsTest {

    private static final String KEY = "app-key";
    /** Outbound bound of 1 KiB, so one 2 KB event overflows a stalled client (4100). */
    private static final Limits SMALL_OUTBOUND = new Limits(10 * 1024, 10 * 1024, 200, 100, 10, 100, 1024, 128, 10,
            1024, Limits.DEFAULTS.apiTimestampWindow(), Limits.DEFAULTS.maxSubscriptionsPerConnection());

    private final BroadcastHub hub = BroadcastHub.builder()
            .app(App.builder("app-id", KEY, "app-secret").limits(SMALL_OUTBOUND).build())
            .build();
    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private void bind() {
        new BroadcastMetrics(hub, Tags.of("node", "n1"), nanos::get).bindTo(registry);
    }

    /** Lets the binder's snapshot expire. */
    private void nextScrape() {
        nanos.addAndGet(BroadcastMetrics.SNAPSHOT_TTL.toNanos());
    }

    private Connection connect(FakeTransport transport) {
        Connection connection = hub.connect(new ConnectRequest(KEY, "7", null), transport);
        assertTrue(connection.isOpen());
        return connection;
    }

    private Connection subscribed(FakeTransport transport, String channel) {
        Connection connection = connect(transport);
        connection.receive("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
        return connection;
    }

    private double gauge(String name) {
        return registry.get(name).tag("node", "n1").gauge().value();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tag("node", "n1").tags(tags).functionCounter().count();
    }

    @Test
    void everyMeterExistsAtZeroOnceBound() {
        bind();

        Set<String> names = new TreeSet<>();
        for (Meter meter : registry.getMeters()) {
            names.add(meter.getId().getName());
            assertEquals("n1", meter.getId().getTag("node"), meter.getId().toString());
            assertNotNull(meter.getId().getDescription(), meter.getId().toString());
        }
        assertEquals(new TreeSet<>(List.of("broadcast.connections", "broadcast.channels", "broadcast.subscriptions",
                "broadcast.messages.in", "broadcast.messages.out", "broadcast.bytes.in", "broadcast.bytes.out",
                "broadcast.deliveries", "broadcast.closes", "broadcast.webhooks", "broadcast.api.requests")), names);
        for (String gauge : List.of("broadcast.connections", "broadcast.channels", "broadcast.subscriptions")) {
            assertEquals(0, registry.get(gauge).gauge().value(), gauge);
        }
        assertEquals("bytes", registry.get("broadcast.bytes.in").functionCounter().getId().getBaseUnit());
        assertEquals("bytes", registry.get("broadcast.bytes.out").functionCounter().getId().getBaseUnit());

        List<String> closes = registry.get("broadcast.closes").functionCounters().stream()
                .map(c -> c.getId().getTag("code") + " " + c.getId().getTag("reason")).sorted().toList();
        assertEquals(List.of("1009 message-too-big", "4001 app-not-found", "4006 invalid-version",
                "4007 unsupported-version", "4009 unauthorized", "4100 slow-consumer", "4200 going-away",
                "4201 pong-timeout", "4301 client-event-rejected"), closes);
        assertEquals(Set.of("sent", "failed", "dropped"), tagValues("broadcast.webhooks", "outcome"));
        assertEquals(Set.of("200", "400", "401", "404", "405", "413", "503"), tagValues("broadcast.api.requests", "status"));
        for (FunctionCounter c : registry.get("broadcast.closes").functionCounters()) {
            assertEquals(0, c.count());
        }
    }

    private Set<String> tagValues(String name, String tag) {
        Set<String> values = new TreeSet<>();
        registry.get(name).functionCounters().forEach(c -> values.add(c.getId().getTag(tag)));
        return values;
    }

    @Test
    void aConnectionShowsAtTheNextSnapshot() {
        bind();
        assertEquals(0, gauge("broadcast.connections"));

        connect(new FakeTransport());

        assertEquals(0, gauge("broadcast.connections"), "the snapshot is reused within a second");
        nextScrape();
        assertEquals(1, gauge("broadcast.connections"));
        assertEquals(1, counter("broadcast.messages.out"), "connection_established");
    }

    @Test
    void aBroadcastToTwoSubscribersIsTwoDeliveries() {
        bind();
        FakeTransport first = new FakeTransport();
        subscribed(first, "orders");
        subscribed(new FakeTransport(), "orders");
        nextScrape();
        double before = counter("broadcast.deliveries");
        double bytesIn = counter("broadcast.bytes.in");
        assertEquals(2, counter("broadcast.messages.in"));
        assertEquals(2, gauge("broadcast.subscriptions"));
        assertEquals(1, gauge("broadcast.channels"));

        assertEquals(2, hub.trigger("app-id", List.of("orders"), "shipped", "{}", null));
        nextScrape();

        assertEquals(0, before);
        assertEquals(2, counter("broadcast.deliveries"));
        assertEquals(bytesIn, counter("broadcast.bytes.in"), "nothing came in");
        String event = first.frames().get(first.frames().size() - 1);
        assertTrue(event.contains("shipped"), event);
        assertTrue(counter("broadcast.bytes.out") >= 2 * event.length());
    }

    @Test
    void aSlowConsumerCloseCountsUnderItsCode() {
        bind();
        FakeTransport slow = new FakeTransport();
        slow.stall();
        Connection connection = subscribed(slow, "orders");

        hub.trigger("app-id", List.of("orders"), "big", "x".repeat(2000), null);
        nextScrape();

        assertFalse(connection.isOpen());
        assertEquals(1, counter("broadcast.closes", "code", "4100", "reason", "slow-consumer"));
        assertEquals(0, counter("broadcast.closes", "code", "4201", "reason", "pong-timeout"));
    }

    @Test
    void apiAnswersCountUnderTheirStatus() {
        bind();
        assertEquals(200, hub.handle(ApiRequest.of("GET", "/up", new byte[0])).status());
        assertEquals(404, hub.handle(ApiRequest.of("GET", "/elsewhere", new byte[0])).status());
        assertEquals(401, hub.handle(ApiRequest.of("GET", "/apps/app-id/channels", new byte[0])).status());
        nextScrape();

        assertEquals(1, counter("broadcast.api.requests", "status", "200"));
        assertEquals(1, counter("broadcast.api.requests", "status", "401"));
        assertEquals(1, counter("broadcast.api.requests", "status", "404"));
        assertEquals(0, counter("broadcast.api.requests", "status", "413"));
        assertEquals(0, counter("broadcast.webhooks", "outcome", "failed"));
    }

    @Test
    void metersKeepReadingWhenTheBinderIsDropped() {
        new BroadcastMetrics(hub).bindTo(registry);
        System.gc();
        connect(new FakeTransport());

        Gauge connections = registry.get("broadcast.connections").gauge();
        assertFalse(Double.isNaN(connections.value()));
        assertFalse(Double.isNaN(registry.get("broadcast.deliveries").functionCounter().count()));
    }

    @Test
    void prometheusShowsTheMetersUnderItsNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BroadcastMetrics(hub, Tags.empty(), nanos::get).bindTo(prometheus);
        FakeTransport slow = new FakeTransport();
        slow.stall();
        subscribed(slow, "orders");
        hub.trigger("app-id", List.of("orders"), "big", "x".repeat(2000), null);
        nextScrape();

        String scrape = prometheus.scrape();

        for (String line : List.of("broadcast_connections 0.0", "broadcast_channels 0.0", "broadcast_subscriptions 0.0",
                "broadcast_messages_in_total 1.0", "broadcast_messages_out_total ", "broadcast_bytes_in_bytes_total ",
                "broadcast_bytes_out_bytes_total ",
                "broadcast_deliveries_total 0.0", // the event overflowed the only subscriber: not queued
                "broadcast_closes_total{code=\"4100\",reason=\"slow-consumer\"} 1.0",
                "broadcast_closes_total{code=\"4201\",reason=\"pong-timeout\"} 0.0",
                "broadcast_webhooks_total{outcome=\"sent\"} 0.0",
                "broadcast_api_requests_total{status=\"200\"} 0.0",
                "# HELP broadcast_connections Open WebSocket connections")) {
            assertTrue(scrape.contains(line), () -> line + " not in\n" + scrape);
        }
    }
}
