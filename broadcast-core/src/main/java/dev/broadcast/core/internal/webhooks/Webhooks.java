package dev.broadcast.core.internal.webhooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts webhooks off the I/O threads: events queue up, one daemon thread takes all that are
 * waiting, posts them per app as one signed body, and retries failures with exponential backoff.
 * The thread exists only once an app with webhooks fires one.
 *
 * <p>A receiver that hangs, is slow or fails never slows delivery: at most {@link #MAX_QUEUED}
 * events wait; past that new ones are dropped, counted ({@link #dropped()}) and warned about at
 * most every ten seconds.
 */
public final class Webhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final int MAX_EVENTS_PER_BODY = 100;
    /** Events waiting for the webhook thread at most. */
    public static final int MAX_QUEUED = 10_000;

    private final Scheduler scheduler;
    private final InstantSource clock;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether a flush is queued on the thread: one at a time, not one per event. */
    private final java.util.concurrent.atomic.AtomicBoolean flushQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastDropWarning =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - 20_000_000_000L);
    private final Duration retryBase;
    private final int maxAttempts;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private volatile ExecutorService executor;
    private volatile HttpClient client;
    private volatile boolean closed;

    private record Pending(App app, ObjectNode event) {
    }

    /** One signed body on its way to one URL. */
    private record Post(App app, URI url, byte[] body, int attempt) {
    }

    /**
     * @param retryBase   delay before the first retry; each further retry doubles it
     * @param maxAttempts attempts in all, the first included
     */
    public Webhooks(Scheduler scheduler, InstantSource clock, Duration retryBase, int maxAttempts) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.retryBase = retryBase;
        this.maxAttempts = maxAttempts;
    }

    /** Queues {@code event} for {@code app}'s webhook URLs; nothing when it has none. */
    public void send(App app, ObjectNode event) {
        if (app.webhooks().isEmpty() || closed) {
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.increment();
            long now = System.nanoTime();
            long last = lastDropWarning.get();
            if (now - last > 10_000_000_000L && lastDropWarning.compareAndSet(last, now)) {
                LOG.warn("webhook event {} for {} dropped: {} events wait for a receiver that is slow or down"
                        + " ({} dropped so far; next warning in 10 s at the earliest)",
                        event.path("name").asText(), app, MAX_QUEUED, dropped.sum());
            }
            return;
        }
        queue.add(new Pending(app, event));
        if (flushQueued.compareAndSet(false, true)) {
            submit(this::flush);
        }
    }

    /** Runs {@code task} on the webhook thread; after {@link #close()} it is dropped. */
    private void submit(Runnable task) {
        try {
            executor().execute(task);
        } catch (RejectedExecutionException closing) {
            LOG.debug("webhook dropped: shutting down");
        }
    }

    private ExecutorService executor() {
        ExecutorService current = executor;
        if (current == null) {
            synchronized (this) {
                if (executor == null) {
                    // the client first: a caller that sees the executor (read without the lock)
                    // may submit a post at once, and the post needs the client
                    client = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    executor = Executors.newSingleThreadExecutor(runnable -> {
                        Thread thread = new Thread(runnable, "broadcast-webhooks");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                current = executor;
            }
        }
        return current;
    }

    private void flush() {
        flushQueued.set(false);
        Map<App, List<ObjectNode>> byApp = new LinkedHashMap<>();
        Pending pending;
        int taken = 0;
        while (taken < MAX_EVENTS_PER_BODY && (pending = queue.poll()) != null) {
            byApp.computeIfAbsent(pending.app(), a -> new ArrayList<>()).add(pending.event());
            taken++;
        }
        queued.addAndGet(-taken);
        if (!queue.isEmpty() && flushQueued.compareAndSet(false, true)) {
            submit(this::flush); // the rest after these posts
        }
        byApp.forEach((app, events) -> {
            ObjectNode body = Json.object().put("time_ms", clock.millis());
            ArrayNode array = body.putArray("events");
            events.forEach(array::add);
            byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
            for (URI url : app.webhooks()) {
                post(new Post(app, url, bytes, 1));
            }
        });
    }

    private void post(Post delivery) {
        int status;
        String failure = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(delivery.url())
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Pusher-Key", delivery.app().key())
                    .header("X-Pusher-Signature", Signatures.hmacHex(delivery.app().secret(), delivery.body()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                    .build();
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            status = -1;
            failure = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException ? "no answer within 10 s"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status >= 200 && status < 300) {
            sent.increment();
            return;
        }
        String why = failure != null ? failure : "status " + status;
        if (delivery.attempt() >= maxAttempts || closed) {
            failed.increment();
            LOG.warn("Webhook to {} for app {} failed after {} attempts, dropped (last: {})",
                    delivery.url().getHost(), delivery.app().id(), delivery.attempt(), why);
            return;
        }
        Duration delay = retryBase.multipliedBy(1L << Math.min(delivery.attempt() - 1, 20));
        if (delivery.attempt() == 1) { // the first failure of a delivery, at once; the retries quietly
            LOG.warn("Webhook to {} for app {} failed ({}); retrying {} more times, first in {} s",
                    delivery.url().getHost(), delivery.app().id(), why, maxAttempts - 1, delay.toSeconds());
        } else {
            LOG.debug("Webhook to {} for app {} failed again ({}), attempt {} of {}",
                    delivery.url().getHost(), delivery.app().id(), why, delivery.attempt(), maxAttempts);
        }
        Post retry = new Post(delivery.app(), delivery.url(), delivery.body(), delivery.attempt() + 1);
        scheduler.schedule(() -> {
            if (!closed) {
                submit(() -> post(retry));
            }
        }, delay);
    }

    /** Webhook posts answered with 2xx. */
    public long sent() {
        return sent.sum();
    }

    /** Webhook posts given up after the last retry. */
    public long failed() {
        return failed.sum();
    }

    /** Webhook events dropped because {@link #MAX_QUEUED} were waiting. */
    public long dropped() {
        return dropped.sum();
    }

    /** Stops after the posts already queued on the thread, waiting up to two seconds. */
    @Override
    public void close() {
        closed = true;
        ExecutorService current = executor;
        if (current != null) {
            current.shutdown();
            try {
                current.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
