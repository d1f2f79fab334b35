/**
 * Micrometer meters for a {@link dev.broadcast.core.BroadcastHub}: one
 * {@link io.micrometer.core.instrument.binder.MeterBinder},
 * {@link dev.broadcast.micrometer.BroadcastMetrics}, whose gauges and function counters read the
 * hub's {@link dev.broadcast.core.HubStats} when the registry is read. Binding adds no work to
 * broadcasting: the hub keeps its totals in any case, and a scrape takes one snapshot of them
 * (reused for up to a second).
 *
 * <pre>{@code
 * BroadcastHub hub = BroadcastHub.builder().app(app).build();
 * new BroadcastMetrics(hub).bindTo(registry);            // or with tags:
 * new BroadcastMetrics(hub, Tags.of("node", "eu-1")).bindTo(registry);
 * }</pre>
 *
 * <p>On a Prometheus registry the meters read {@code broadcast_connections},
 * {@code broadcast_messages_in_total}, {@code broadcast_bytes_out_bytes_total},
 * {@code broadcast_closes_total{code="4100",reason="slow-consumer"}},
 * {@code broadcast_api_requests_total{status="401"}} and so on. In Spring Boot, declare the binder
 * as a bean and Boot binds it to its registry.
 */
package dev.broadcast.micrometer;
