package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.redis.RedisBus;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.PusherEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: a {@link BroadcastHub} with the Pusher WebSocket endpoint, the Pusher
 * HTTP API and {@code GET /up} on one port. It runs on its own Netty transport, which writes all
 * frames waiting for a connection in one system call; {@link ServerOptions.TransportKind#TYRUS}
 * runs the portable Jakarta endpoint on Tyrus/Grizzly instead.
 *
 * <p>{@code java -jar broadcast-server.jar --help} lists the options. Embedded use:
 * {@code try (BroadcastServer server = BroadcastServer.start(options)) { … server.port() … }}.
 */
public final class BroadcastServer implements AutoCloseable {

    /** The HTTP transports' heartbeat (25 s, within what proxies let an idle response live), unless half the session timeout is shorter. */
    private static final Duration MAX_HTTP_HEARTBEAT = Duration.ofSeconds(25);

    private final BroadcastHub hub;
    private final ServerTransport container;
    /** The certificate served, or null without TLS. */
    private final ServerTls tls;
    /** {@code GET /metrics} on its own port, or null. */
    private final MetricsEndpoint metrics;

    private BroadcastServer(BroadcastHub hub, ServerTransport container, ServerTls tls, MetricsEndpoint metrics) {
        this.tls = tls;
        this.metrics = metrics;
        this.hub = hub;
        this.container = container;
    }

    /**
     * Starts listening; returns once {@code /up} answers.
     *
     * @throws IOException if the port cannot be bound
     * @throws IllegalStateException if {@code --redis-url} was given and that Redis cannot be used
     *         (unreachable, credentials refused); the message names the option
     */
    public static BroadcastServer start(ServerOptions options) throws IOException {
        BroadcastHub.Builder builder = BroadcastHub.builder();
        options.apps().forEach(builder::app);
        if (options.httpHostname() != null) {
            builder.httpHostname(options.httpHostname());
        }
        Duration sessionTimeout = Duration.ofSeconds(options.httpSessionTimeoutSeconds());
        Duration heartbeat = sessionTimeout.dividedBy(2);
        builder.httpSessions(heartbeat.compareTo(MAX_HTTP_HEARTBEAT) < 0 ? heartbeat : MAX_HTTP_HEARTBEAT, sessionTimeout);
        io.netty.channel.EventLoopGroup loops = options.transport() == ServerOptions.TransportKind.NETTY
                ? NettyServer.loops(options.ioThreads()) : null;
        if (options.redisUrl() != null) {
            try {
                builder.cluster(RedisBus.builder(options.redisUrl()).prefix(options.redisPrefix()).connect());
            } catch (IllegalArgumentException | IllegalStateException e) {
                if (loops != null) {
                    loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
                }
                throw new IllegalStateException("--redis-url: " + e.getMessage(), e);
            }
            if (loops != null && options.ioThreads() == 1) {
                // the one loop writes every connection: fanning the cluster's events out on it too
                // costs what a local broadcast costs, instead of a hand-off per connection
                builder.clusterExecutor(loops.next());
            }
        }
        BroadcastHub hub = builder.build();
        Admission admission = new Admission(options.maxConnections(), options.maxConnectionsPerIp());
        BodyBudget budget = new BodyBudget(BodyBudget.DEFAULT_BYTES);
        ServerTls tls = null;
        try {
            ServerTransport container = switch (options.transport()) {
                case NETTY -> {
                    NettyServer netty = new NettyServer(hub, loops, admission, budget);
                    if (options.console()) {
                        netty.console(new DebugConsole(hub));
                    }
                    if (options.tlsCert() != null) {
                        try {
                            tls = ServerTls.load(options.tlsCert(), options.tlsKey());
                        } catch (IllegalArgumentException e) {
                            throw new IllegalStateException("--tls-cert/--tls-key: " + e.getMessage(), e);
                        }
                        netty.tls(tls);
                    }
                    netty.start(options.host(), options.port(), options.reusePort());
                    yield netty;
                }
                case TYRUS -> {
                    GrizzlyContainer tyrus = new GrizzlyContainer(hub, admission, budget);
                    tyrus.start(options.host(), options.port(), PusherEndpoint.config(hub, ""));
                    yield tyrus;
                }
            };
            if (tls != null) {
                tls.watch();
            }
            MetricsEndpoint metrics = null;
            if (options.metricsPort().isPresent()) {
                try {
                    metrics = MetricsEndpoint.start(hub, options.host(), options.metricsPort().getAsInt());
                } catch (IOException e) {
                    container.stop(false);
                    throw new IOException("--metrics-port " + options.metricsPort().getAsInt() + ": " + e.getMessage(), e);
                }
            }
            return new BroadcastServer(hub, container, tls, metrics);
        } catch (IOException | RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return container.port();
    }

    /** The port {@code GET /metrics} is served on, if {@code --metrics-port} was given. */
    public java.util.OptionalInt metricsPort() {
        return metrics == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(metrics.port());
    }

    /** The hub, for embedding code and tests. */
    public BroadcastHub hub() {
        return hub;
    }

    /**
     * Stops accepting, then closes every client with 4200 (they reconnect at once: to another
     * node, or to the server that took the port over with {@code --reuse-port}), gives the close
     * frames a moment to leave, and stops. Idempotent.
     */
    @Override
    public void close() {
        container.stopAccepting();
        boolean hadClients = hub.stats().connections() > 0;
        hub.close();
        container.stop(hadClients);
        if (metrics != null) {
            metrics.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /**
     * Runs the server until SIGTERM or SIGINT; exit status 2 for bad options. {@code check …}
     * instead checks a running server ({@link ServerCheck}).
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("check")) {
            System.exit(ServerCheck.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                    java.time.InstantSource.system(), System.out));
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("broadcast-server: " + e.getMessage());
            System.err.println("Run with --help to see the options.");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(ServerOptions.usage());
            return;
        }
        ServerLogging.configure(options.logLevel(), options.logFormat());
        BroadcastServer server;
        try {
            server = start(options);
        } catch (IOException e) {
            System.err.println("broadcast-server: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalStateException e) {
            System.err.println("broadcast-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "broadcast-shutdown"));
        Logger log = LoggerFactory.getLogger(BroadcastServer.class);
        log.info("broadcast-server listening on {}:{} (transport {})", options.host(), server.port(),
                options.transport().name().toLowerCase(java.util.Locale.ROOT));
        for (App app : options.apps()) {
            log.info("  app id={} key={}{} client-events={} activity-timeout={}s", app.id(), app.key(),
                    app.secret().equals(ServerOptions.DEFAULT_SECRET) ? " secret=the default (local use only)" : "",
                    app.clientEvents(), app.activityTimeout().toSeconds());
        }
        if (options.redisUrl() != null) {
            log.info("  cluster: {}", server.hub().cluster().orElseThrow());
        }
        boolean tls = options.tlsCert() != null;
        log.info("  WebSocket: {}{}:{}/app/{key}   HTTP API: {}://…/apps/{id}/...   health: /up", tls ? "wss://" : "ws://",
                options.host(), server.port(), tls ? "https" : "http");
        if (options.console()) {
            log.info("  debug console: {}://{}:{}/console (log in with an app's key and secret)", tls ? "https" : "http",
                    options.host(), server.port());
        }
        if (server.metrics != null) {
            log.info("  metrics: http://{}:{}/metrics (Prometheus)", options.host(), server.metrics.port());
        }
        if (tls) {
            log.info("  TLS: {} from {} (read again when it changes), by {}", server.tls.subject(), options.tlsCert(),
                    ServerTls.providerName());
        }
        stopped.await();
    }
}
