package dev.broadcast.core;

import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.internal.api.HttpApi;
import dev.broadcast.core.internal.engine.AppRuntime;
import dev.broadcast.core.internal.engine.Counters;
import dev.broadcast.core.internal.engine.Engine;
import dev.broadcast.core.internal.engine.TriggerTarget;
import dev.broadcast.core.internal.fallback.HttpSessions;
import dev.broadcast.core.transport.ApiExchange;
import dev.broadcast.core.transport.ApiRequest;
import dev.broadcast.core.transport.ApiResponse;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import dev.broadcast.core.watch.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The broadcast engine: one or more {@link App apps}, their connections and channels, the Pusher
 * protocol v7 spoken over any {@link Transport}, the Pusher HTTP API and webhooks.
 *
 * <p>A transport adapter calls {@link #connect} for every WebSocket opened on {@code /app/{key}}
 * and feeds the returned {@link Connection}; an HTTP adapter hands API requests to {@link
 * #handle}. The host application may also {@link #trigger} events directly.
 *
 * <p>Liveness runs on one shared task of the {@link Scheduler} (a sweep a second over all
 * connections): silent connections are pinged after the app's activity timeout and closed with
 * 4201 when the pong timeout passes without an answer, whether or not they ever subscribed.
 *
 * <p>Thread-safe. {@link #close()} closes every connection with 4200 so clients reconnect at once.
 */
public final class BroadcastHub implements AutoCloseable {

    private final Engine engine;
    private final HttpApi api;
    private static final InstantSource SYSTEM = InstantSource.system();

    /** Monotonic time ({@link System#nanoTime}) as an {@link InstantSource}; its epoch means nothing. */
    private enum Elapsed implements InstantSource {
        INSTANCE;

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.nanoTime() / 1_000_000;
        }
    }

    /** Sessions of pusher-js's HTTP fallback transports. */
    private final HttpSessions sessions;
    /** The scheduler this hub created for itself (none was given), stopped on close; else null. */
    private final Scheduler ownScheduler;

    private BroadcastHub(Builder builder, Scheduler scheduler, Scheduler ownScheduler) {
        // a clock given (a test's) drives everything; the system clock only what needs wall time
        InstantSource elapsed = builder.elapsed != null ? builder.elapsed
                : builder.clock == SYSTEM ? Elapsed.INSTANCE : builder.clock;
        this.engine = new Engine(builder.apps, builder.clock, elapsed, scheduler, builder.webhookRetryBase,
                builder.webhookAttempts, builder.cluster, builder.clusterExecutor);
        this.api = new HttpApi(engine, builder.clock);
        this.sessions = new HttpSessions(engine::connect, engine::originAllowed, this::maxTransportMessageBytes, scheduler,
                elapsed, builder.httpHeartbeat, builder.httpSessionTimeout, builder.httpHostname);
        this.ownScheduler = ownScheduler;
    }

    /** Starts a hub; add at least one app. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a connection for a completed WebSocket handshake. On success the client is sent
     * {@code pusher:connection_established}. When the key is unknown (4001), the protocol version
     * is not an integer (4006) or outside 5–7 (4007), or the origin is not allowed (4009), the
     * client is sent {@code pusher:error} with the code and the transport is closed with it; the
     * returned connection is then already closed.
     */
    public Connection connect(ConnectRequest request, Transport transport) {
        return engine.connect(request, transport);
    }

    /**
     * Answers one Pusher HTTP API request (or {@code GET /up}), counted by status in
     * {@link HubStats#apiRequestsByStatus()}. Never throws for bad input.
     */
    public ApiResponse handle(ApiRequest request) {
        ApiResponse answer = api.handle(request);
        engine.counters().answered(answer.status());
        return answer;
    }

    /**
     * Answers one HTTP request held by an adapter's server: reads at most
     * {@link #maxApiBodyBytes()} + 1 body bytes, {@link #handle handles} it, and responds with the
     * status and a JSON body. This is the whole mapping between an HTTP server and the API, so
     * every adapter maps requests the same way.
     *
     * @throws IOException if reading the body or writing the answer failed
     */
    public void serve(ApiExchange exchange) throws IOException {
        Optional<ApiResponse> refused = precheck(exchange.method(), exchange.target());
        if (refused.isPresent()) {
            exchange.respond(refused.get().status(), refused.get().body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body = exchange.body(api.maxBodyBytes());
        ApiResponse answer = handle(ApiRequest.of(exchange.method(), exchange.target(), body));
        exchange.respond(answer.status(), answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The answer an HTTP API request gets from its method and target alone (unknown path or app,
     * bad key, timestamp or signature), counted like {@link #handle}'s; empty when its body may be
     * read. An adapter that reads bodies itself calls this before reading one, so a stranger
     * cannot make it buffer a body; {@link #serve} does it for the others.
     */
    public Optional<ApiResponse> precheck(String method, String target) {
        ApiResponse refused = api.precheck(ApiRequest.of(method, target, new byte[0]));
        if (refused != null) {
            engine.counters().answered(refused.status());
        }
        return Optional.ofNullable(refused);
    }

    /**
     * Serves one request of pusher-js's HTTP fallback transports ({@code xhr_streaming},
     * {@code xhr_polling}; see {@link FallbackExchange}): opens or continues a session, which the
     * engine treats as one connection like a WebSocket, and answers bad requests with a status and
     * a JSON error. Adapters route here what arrives under their fallback prefix (by default
     * {@code /pusher}), the prefix removed.
     *
     * @throws IOException if reading the body failed
     */
    public void serveFallback(FallbackExchange exchange) throws IOException {
        sessions.serve(exchange);
    }

    /** The most request-body bytes the API accepts; adapters may stop reading past it (413). */
    public int maxApiBodyBytes() {
        return api.maxBodyBytes();
    }

    /**
     * Sends an event to every subscriber of {@code channels} in the app with id {@code appId},
     * except the connection {@code exceptSocketId} (null for none). {@code data} goes to clients
     * as given, like the HTTP API's {@code data}. Returns without waiting for slow sockets.
     *
     * <p>The app's {@link Limits} apply as they do to the HTTP API. A trigger that breaks one is
     * refused as a whole, before any subscriber is sent anything: an empty or over-long event name
     * ({@link Limits#maxEventNameLength()}), {@code data} over {@link Limits#maxEventDataBytes()}
     * in UTF-8, no channel or more than {@link Limits#maxChannelsPerTrigger()}, or a channel name
     * that is not valid (see {@link dev.broadcast.Channel#nameProblem(String)}; the
     * {@code #server-to-user-{id}} channels are allowed). The message names the limit.
     *
     * @return how many connections the event was queued for
     * @throws IllegalArgumentException if the app is unknown or a limit is broken
     * @throws NullPointerException if {@code channels}, {@code event} or {@code data} is null
     */
    public int trigger(String appId, Collection<String> channels, String event, String data, String exceptSocketId) {
        AppRuntime runtime = runtime(appId);
        runtime.checkTrigger(channels, event, data);
        return runtime.trigger(channels, event, data, exceptSocketId);
    }

    /** The local driver's way in to app {@code appId}: it checks the app's limits itself, once. */
    TriggerTarget triggerTarget(String appId) {
        AppRuntime runtime = engine.byId(appId);
        if (runtime == null) {
            throw new IllegalArgumentException("The hub hosts no app with id " + appId);
        }
        return runtime;
    }

    /** The cluster bus this hub is a node of, if any. */
    public Optional<ClusterBus> cluster() {
        return Optional.ofNullable(engine.cluster());
    }

    /** The apps this hub hosts. */
    public List<App> apps() {
        return engine.apps();
    }

    /**
     * The most bytes a transport should read of one WebSocket message for the app with
     * {@code key} (any key: an unknown one is refused after the handshake) before it fails the
     * connection with 1009 itself: twice the app's {@code maxMessageBytes} and 1 KiB. Messages over
     * the limit but within this reach the engine, which closes with 1009 and a reason saying the
     * limit; only what is far beyond it is cut by the transport.
     */
    public int maxTransportMessageBytes(String key) {
        int limit = key == null ? 1024 : appByKey(key).map(app -> app.limits().maxMessageBytes()).orElse(1024);
        return limit * 2 + 1024;
    }

    /** The app with {@code key}, if hosted here. */
    public Optional<App> appByKey(String key) {
        return Optional.ofNullable(engine.byKey(key)).map(AppRuntime::app);
    }

    /**
     * Calls {@code watcher} with what happens in app {@code appId} on this node from now on:
     * connections opened, closed and refused, subscriptions and refusals, events triggered and
     * client events (see {@link Activity}), until the returned handle is closed. The watcher runs
     * on the thread where the thing happened: it must be quick (queue the activity, say) and
     * must not throw. Without watchers this costs nothing on the delivery path. The standalone
     * server's debug console is a watcher.
     *
     * @throws IllegalArgumentException for an app id the hub does not host
     */
    public AutoCloseable watch(String appId, Consumer<Activity> watcher) {
        return engine.watch(appId, Objects.requireNonNull(watcher, "watcher"));
    }

    /** Current counts and totals of this node (in a cluster, of this node only). */
    public HubStats stats() {
        Counters counters = engine.counters();
        int connections = 0;
        int channels = 0;
        int subscriptions = 0;
        for (AppRuntime runtime : engine.runtimes()) {
            connections += runtime.connectionCount();
            channels += runtime.channelCount();
            subscriptions += runtime.subscriptionTotal();
        }
        return new HubStats(connections, channels, subscriptions, counters.messagesIn(), counters.bytesIn(),
                counters.messagesOut(), counters.bytesOut(), counters.deliveries(), engine.webhooks().sent(),
                engine.webhooks().failed(), engine.webhooks().dropped(), counters.closesByCode(), counters.apiRequestsByStatus());
    }

    /**
     * Closes every connection with 4200, stops the heartbeat and webhook delivery, and the timer
     * thread when the hub made its own scheduler. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
        sessions.close();
        if (ownScheduler != null) {
            ownScheduler.close();
        }
    }

    private AppRuntime runtime(String appId) {
        AppRuntime runtime = engine.byId(appId);
        if (runtime == null) {
            throw new IllegalArgumentException("Unknown app id: " + appId);
        }
        return runtime;
    }

    /** Configures a {@link BroadcastHub}. */
    public static final class Builder {
        private final List<App> apps = new ArrayList<>();
        private InstantSource clock = SYSTEM;
        /** Time for timeouts when it is not {@link #clock}'s: see {@link #wallClock}. */
        private InstantSource elapsed;
        private Scheduler scheduler;
        private Duration webhookRetryBase = Duration.ofSeconds(1);
        private int webhookAttempts = 9;
        private ClusterBus cluster;
        private java.util.concurrent.Executor clusterExecutor;
        private Duration httpHeartbeat = Duration.ofSeconds(25);
        private Duration httpSessionTimeout = Duration.ofSeconds(60);
        private String httpHostname;

        private Builder() {
        }

        /**
         * Makes this hub one node of a cluster joined by {@code bus} (for example
         * {@code RedisBus.connect("redis://…")} from {@code broadcast-redis}): broadcasts,
         * presence, channel counts, cache channels and webhooks become cluster-wide. The hub
         * starts the bus and closes it on {@link BroadcastHub#close()}. Without one the hub is a
         * single node.
         */
        public Builder cluster(ClusterBus bus) {
            this.cluster = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /** Hosts {@code app}; ids and keys must be unique in the hub. */
        public Builder app(App app) {
            for (App existing : apps) {
                if (existing.id().equals(app.id()) || existing.key().equals(app.key())) {
                    throw new IllegalArgumentException("Two apps share an id or key: " + existing + " and " + app);
                }
            }
            apps.add(app);
            return this;
        }

        /**
         * Where the events the cluster relays are fanned out to this node's subscribers; by
         * default the bus's own delivery thread. A transport that writes all its connections from
         * one thread passes that thread's executor, so a relayed event costs what a local one
         * costs (the standalone server does, with one event loop). Events of one channel must
         * stay in order: give a single-threaded executor.
         */
        public Builder clusterExecutor(java.util.concurrent.Executor executor) {
            this.clusterExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The clock for timeouts, rate windows and API timestamps. By default API timestamps are
         * checked against the system clock and everything else runs on monotonic time, so a jump
         * of the system clock does not fire or freeze timeouts.
         */
        public Builder clock(InstantSource clock) {
            this.elapsed = null;
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Only the wall clock (API timestamps, webhook times), with timeouts on monotonic time as
         * by default: what a jump of the system clock looks like, for tests.
         */
        Builder wallClock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.elapsed = Elapsed.INSTANCE;
            return this;
        }

        /**
         * Where the heartbeat sweep and webhook retries run. By default the hub makes its own
         * {@link Scheduler#daemon()} and stops it on {@link BroadcastHub#close()}; a scheduler
         * given here belongs to the caller and is left running.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * How webhook deliveries that fail are retried: after {@code base}, then twice as long each
         * time, {@code attempts} tries in all. Default 1 s and 9 tries (about 4 minutes).
         */
        public Builder webhookRetries(Duration base, int attempts) {
            if (base.isNegative() || base.isZero() || attempts < 1) {
                throw new IllegalArgumentException("webhook retries need a positive delay and at least 1 attempt");
            }
            this.webhookRetryBase = base;
            this.webhookAttempts = attempts;
            return this;
        }

        /**
         * The timing of pusher-js's HTTP fallback sessions: an idle stream gets a heartbeat line
         * and a held poll is answered after {@code heartbeat} (default 25 s, within the 30 s or
         * more that proxies let an idle response live); a session whose client has made no request
         * for {@code timeout} (default 60 s) ends as a dropped WebSocket does. The timeout must be
         * longer than the heartbeat, which a streaming client answers with a request.
         */
        public Builder httpSessions(Duration heartbeat, Duration timeout) {
            if (heartbeat.isNegative() || heartbeat.isZero() || timeout.compareTo(heartbeat) <= 0) {
                throw new IllegalArgumentException("HTTP sessions need a positive heartbeat and a longer timeout: "
                        + heartbeat + ", " + timeout);
            }
            this.httpHeartbeat = heartbeat;
            this.httpSessionTimeout = timeout;
            return this;
        }

        /**
         * Pins pusher-js's HTTP sessions to this node, for several nodes behind a load balancer
         * without sticky sessions: a session opens with {@code o{"hostname":hostname}}, and
         * pusher-js sends the session's later requests to that host (on the same port and path).
         * {@code hostname} must reach this node directly, for example a pod's or an instance's
         * own DNS name; a session's state lives on the node that opened it. Unset by default.
         *
         * @throws IllegalArgumentException unless {@code hostname} is a host name or IPv4 address
         *                                  (letters, digits, '.' and '-'; pusher-js cannot take
         *                                  IPv6 literals here)
         */
        public Builder httpHostname(String hostname) {
            if (hostname == null || !hostname.matches("[A-Za-z0-9.-]{1,253}")) {
                throw new IllegalArgumentException("httpHostname must be a host name or IPv4 address (letters, digits,"
                        + " '.' and '-'): " + hostname);
            }
            this.httpHostname = hostname;
            return this;
        }

        /** The hub, already running its heartbeat. */
        public BroadcastHub build() {
            if (apps.isEmpty()) {
                throw new IllegalStateException("A hub needs at least one app");
            }
            if (scheduler != null) {
                return new BroadcastHub(this, scheduler, null);
            }
            Scheduler own = Scheduler.daemon();
            return new BroadcastHub(this, own, own);
        }
    }

}
