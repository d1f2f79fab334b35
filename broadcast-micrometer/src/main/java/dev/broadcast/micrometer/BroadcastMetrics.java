package dev.broadcast.micrometer;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.HubStats;
import dev.broadcast.core.transport.ApiResponse;
import dev.broadcast.core.transport.CloseCodes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The meters of one {@link BroadcastHub}, read from {@link BroadcastHub#stats()} when the registry
 * is read (a scrape, a push), never counted on the broadcast path.
 *
 * <p>Meters, each with the tags given to the constructor:
 * <ul>
 *   <li>gauges {@code broadcast.connections}, {@code broadcast.channels},
 *       {@code broadcast.subscriptions};</li>
 *   <li>function counters {@code broadcast.messages.in}, {@code broadcast.messages.out},
 *       {@code broadcast.bytes.in}, {@code broadcast.bytes.out} (base unit bytes) and
 *       {@code broadcast.deliveries} (event frames queued to subscribers by broadcasts);</li>
 *   <li>{@code broadcast.closes}, connections the server closed, one counter per code of
 *       {@link CloseCodes} with tags {@code code} (e.g. {@code 4100}) and {@code reason}
 *       ({@link CloseCodes#name}, e.g. {@code slow-consumer});</li>
 *   <li>{@code broadcast.webhooks} with tag {@code outcome} {@code sent} or {@code failed};</li>
 *   <li>{@code broadcast.api.requests}, HTTP API answers, one counter per status of
 *       {@link ApiResponse#STATUSES} with tag {@code status}.</li>
 * </ul>
 * Every meter exists from {@link #bindTo} on, at 0 until its first event, so a close code or a
 * status shows up before it first happens.
 *
 * <p>One snapshot of the stats serves every meter: a snapshot younger than {@link #SNAPSHOT_TTL}
 * (one second) is reused, so one scrape computes the stats once, and values may lag the hub by up
 * to that second. The meters hold the binder (and with it the hub) strongly: dropping the binder
 * after {@code bindTo} is fine; remove the meters from the registry to let the hub go.
 *
 * <p>Thread-safe; bind it to any number of registries.
 */
public final class BroadcastMetrics implements MeterBinder {

    /** How long one stats snapshot serves the meters. */
    public static final Duration SNAPSHOT_TTL = Duration.ofSeconds(1);

    private final BroadcastHub hub;
    private final Tags tags;
    private final LongSupplier nanoTime;
    private HubStats snapshot;
    private long snapshotNanos;

    /** Meters for {@code hub} without extra tags. */
    public BroadcastMetrics(BroadcastHub hub) {
        this(hub, Tags.empty());
    }

    /** Meters for {@code hub}, each with {@code tags} (e.g. the node's name). */
    public BroadcastMetrics(BroadcastHub hub, Iterable<Tag> tags) {
        this(hub, tags, System::nanoTime);
    }

    /** With the clock the snapshot's age is read from, for tests. */
    BroadcastMetrics(BroadcastHub hub, Iterable<Tag> tags, LongSupplier nanoTime) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.nanoTime = nanoTime;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "broadcast.connections", "Open WebSocket connections", HubStats::connections);
        gauge(registry, "broadcast.channels", "Occupied channels", HubStats::channels);
        gauge(registry, "broadcast.subscriptions", "Subscriptions over all channels", HubStats::subscriptions);

        counter(registry, "broadcast.messages.in", "Frames received from clients", null, Tags.empty(),
                HubStats::messagesIn);
        counter(registry, "broadcast.messages.out", "Frames queued to clients, events and protocol frames", null,
                Tags.empty(), HubStats::messagesOut);
        counter(registry, "broadcast.bytes.in", "UTF-8 bytes of the frames received from clients", "bytes",
                Tags.empty(), HubStats::bytesIn);
        counter(registry, "broadcast.bytes.out", "UTF-8 bytes of the frames queued to clients", "bytes",
                Tags.empty(), HubStats::bytesOut);
        counter(registry, "broadcast.deliveries", "Event frames queued to subscribers by broadcasts", null,
                Tags.empty(), HubStats::deliveries);

        for (int code : CloseCodes.all()) {
            counter(registry, "broadcast.closes", "Connections the server closed, by close code", null,
                    Tags.of("code", Integer.toString(code), "reason", CloseCodes.name(code)),
                    stats -> stats.closesByCode().getOrDefault(code, 0L));
        }
        String webhooks = "Webhook posts answered with 2xx (sent) or given up (failed), and events dropped unposted"
                + " while 10,000 waited (dropped)";
        counter(registry, "broadcast.webhooks", webhooks, null, Tags.of("outcome", "sent"), HubStats::webhooksSent);
        counter(registry, "broadcast.webhooks", webhooks, null, Tags.of("outcome", "failed"), HubStats::webhooksFailed);
        counter(registry, "broadcast.webhooks", webhooks, null, Tags.of("outcome", "dropped"), HubStats::webhooksDropped);
        for (int status : ApiResponse.STATUSES) {
            counter(registry, "broadcast.api.requests", "HTTP API requests answered, by status", null,
                    Tags.of("status", Integer.toString(status)),
                    stats -> stats.apiRequestsByStatus().getOrDefault(status, 0L));
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<HubStats> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.stats()))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String baseUnit, Tags meterTags,
            ToLongFunction<HubStats> value) {
        // the meter holds its state object weakly; the function holds this binder strongly
        FunctionCounter.builder(name, this, ignored -> value.applyAsLong(stats()))
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags.and(meterTags))
                .register(registry);
    }

    /** The hub's stats, taken at most once per {@link #SNAPSHOT_TTL}. */
    synchronized HubStats stats() {
        long now = nanoTime.getAsLong();
        if (snapshot == null || now - snapshotNanos >= SNAPSHOT_TTL.toNanos()) {
            snapshot = hub.stats();
            snapshotNanos = now;
        }
        return snapshot;
    }
}
