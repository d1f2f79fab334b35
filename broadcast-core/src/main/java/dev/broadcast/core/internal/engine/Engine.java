package dev.broadcast.core.internal.engine;

import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.cluster.ClusterNode;
import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.internal.delivery.Frame;
import dev.broadcast.core.internal.delivery.Frames;
import dev.broadcast.core.internal.webhooks.Webhooks;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.Transport;
import dev.broadcast.core.watch.Activity;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one hub: its apps, the handshake of every connection, the heartbeat sweep and
 * shutdown. {@link dev.broadcast.core.BroadcastHub} is its public face.
 */
public final class Engine implements ClusterNode {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** How often the heartbeat sweep runs. */
    static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);

    private final Map<String, AppRuntime> byKey = new LinkedHashMap<>();
    private final Map<String, AppRuntime> byId = new LinkedHashMap<>();
    private final Counters counters = new Counters();
    private final Webhooks webhooks;
    private final Scheduler.Cancellable sweep;
    private final SecureRandom random = new SecureRandom();
    private final ClusterBus bus;
    /** Where relayed events are fanned out, or null for the bus's thread. */
    private final java.util.concurrent.Executor clusterExecutor;
    private volatile boolean closed;

    /**
     * An engine, a node of the cluster {@code bus} joins it to, or a single node when it is null.
     *
     * @param clock   wall time, for webhooks' {@code time_ms}
     * @param elapsed time that only moves forward, for timeouts, rate windows and cache expiry, so
     *                that setting the system clock back or forth neither freezes nor fires them
     */
    public Engine(List<App> apps, InstantSource clock, InstantSource elapsed, Scheduler scheduler,
                  Duration webhookRetryBase, int webhookAttempts, ClusterBus bus,
                  java.util.concurrent.Executor clusterExecutor) {
        this.webhooks = new Webhooks(scheduler, clock, webhookRetryBase, webhookAttempts);
        this.bus = bus;
        this.clusterExecutor = clusterExecutor;
        for (App app : apps) {
            AppRuntime runtime = new AppRuntime(app, elapsed, counters, webhooks, bus, new Watchers(clock));
            byKey.put(app.key(), runtime);
            byId.put(app.id(), runtime);
        }
        if (bus != null) {
            bus.start(this);
        }
        this.sweep = scheduler.scheduleAtFixedRate(this::sweep, SWEEP_PERIOD);
    }

    // ---- the cluster's calls into this node

    @Override
    public void deliver(ClusterBus.Event event) {
        AppRuntime runtime = byId.get(event.appId());
        if (runtime == null) {
            return;
        }
        if (clusterExecutor == null) {
            runtime.deliver(event);
        } else {
            try {
                clusterExecutor.execute(() -> runtime.deliver(event));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the transport is stopping: its connections are closing anyway
            }
        }
    }

    @Override
    public void presenceChanged(String appId, String channel, long seq, ClusterBus.Member member, boolean added) {
        AppRuntime runtime = byId.get(appId);
        if (runtime != null) {
            runtime.channels.presenceChanged(channel, seq, member, added);
        }
    }

    @Override
    public void rosterReset(String appId, String channel, ClusterBus.Roster roster, boolean complete) {
        AppRuntime runtime = byId.get(appId);
        if (runtime != null) {
            runtime.channels.resetRoster(channel, roster, complete);
        }
    }

    @Override
    public void terminate(String appId, String userId) {
        AppRuntime runtime = byId.get(appId);
        if (runtime != null) {
            runtime.terminateUser(userId);
        }
    }

    @Override
    public boolean serves(String appId, String channel) {
        AppRuntime runtime = byId.get(appId);
        return runtime != null && runtime.channels.serves(channel);
    }

    @Override
    public List<AppState> state() {
        return byId.values().stream().map(AppRuntime::state).toList();
    }

    @Override
    public void webhook(String appId, String name, String channel, String userId) {
        AppRuntime runtime = byId.get(appId);
        if (runtime != null) {
            var event = dev.broadcast.core.internal.wire.Json.object().put("name", name).put("channel", channel);
            if (userId != null) {
                event.put("user_id", userId);
            }
            runtime.webhook(event);
        }
    }

    public Connection connect(ConnectRequest request, Transport transport) {
        AppRuntime runtime = byKey.get(request.appKey());
        if (runtime == null) {
            return reject(transport, request, CloseCodes.APP_NOT_FOUND, "Application does not exist");
        }
        if (closed) {
            return reject(transport, request, CloseCodes.GOING_AWAY, "Server is shutting down; reconnect shortly");
        }
        String protocol = request.protocol();
        if (protocol != null) {
            int version;
            try {
                version = Integer.parseInt(protocol);
            } catch (NumberFormatException e) {
                return reject(transport, request, CloseCodes.INVALID_VERSION, "Invalid version string format");
            }
            if (version < 5 || version > 7) {
                return reject(transport, request, CloseCodes.UNSUPPORTED_VERSION,
                        "Unsupported protocol version " + version + "; supported: 5 to 7");
            }
        }
        if (!originAllowed(runtime.app.allowedOrigins(), request.origin())) {
            runtime.watchers.report(Activity.Kind.REFUSED, null, null, null,
                    "connection from origin " + request.origin() + ": Origin not allowed (4009)");
            return reject(transport, request, CloseCodes.UNAUTHORIZED, "Origin not allowed");
        }
        ClientConnection connection;
        do {
            connection = new ClientConnection(runtime, newSocketId(), transport);
        } while (runtime.connections.containsKey(connection.socketId()));
        connection.start();
        if (runtime.watchers.active()) {
            runtime.watchers.report(Activity.Kind.CONNECTED, connection.socketId(), null, null,
                    request.origin() == null ? null : "origin " + request.origin());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Connection {} opened to app {} (origin {})", connection.socketId(), runtime.app.id(),
                    printable(request.origin()));
        }
        return connection;
    }

    /**
     * {@code text} fit for a log line: control characters replaced (a key from a URL path may hold
     * a decoded line break), at most 100 characters.
     */
    static String printable(String text) {
        return printable(text, 100);
    }

    /** {@link #printable(String)} with at most {@code max} characters. */
    static String printable(String text, int max) {
        if (text == null) {
            return "none";
        }
        String cut = text.length() > max ? text.substring(0, max) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private String newSocketId() {
        return (1 + random.nextInt(999_999_999)) + "." + (1 + random.nextInt(999_999_999));
    }

    /** Sends {@code pusher:error} and closes with the same code, after the upgrade (see protocol notes §1.3). */
    private Connection reject(Transport transport, ConnectRequest request, int code, String message) {
        if (code == CloseCodes.GOING_AWAY) {
            LOG.debug("Refused a connection to app key {} while shutting down", printable(request.appKey()));
        } else {
            LOG.info("Refused a connection to app key {} from origin {}: {} ({})", printable(request.appKey()),
                    printable(request.origin()), message, code);
        }
        counters.closed(code);
        Frame error = Frames.error(code, message);
        transport.send(error.text(), failure -> transport.close(code, message));
        return Rejected.INSTANCE;
    }

    /** The connection handed out for a rejected handshake: already closed, ignores everything. */
    private enum Rejected implements Connection {
        INSTANCE;

        @Override
        public String socketId() {
            return "";
        }

        @Override
        public void receive(String frame) {
        }

        @Override
        public void touch() {
        }

        @Override
        public void closed() {
        }

        @Override
        public boolean isOpen() {
            return false;
        }
    }

    /**
     * Adds {@code watcher} of the activity of app {@code appId} until the handle is closed.
     *
     * @throws IllegalArgumentException for an app id the hub does not host
     */
    public AutoCloseable watch(String appId, java.util.function.Consumer<Activity> watcher) {
        AppRuntime runtime = byId.get(appId);
        if (runtime == null) {
            throw new IllegalArgumentException("No app with id " + appId);
        }
        return runtime.watchers.add(watcher);
    }

    /** Whether the app with {@code appKey} allows connections from {@code origin}; false for an unknown key. */
    public boolean originAllowed(String appKey, String origin) {
        AppRuntime runtime = byKey.get(appKey);
        return runtime != null && originAllowed(runtime.app.allowedOrigins(), origin);
    }

    static boolean originAllowed(List<String> allowed, String origin) {
        if (allowed.contains("*")) {
            return true;
        }
        if (origin == null || origin.isEmpty() || origin.equals("null")) {
            return false;
        }
        String host;
        try {
            host = URI.create(origin).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String pattern : allowed) {
            if (pattern.contains("://") ? pattern.equalsIgnoreCase(origin)
                    : host != null && wildcardMatches(pattern.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code host} matches {@code pattern}, where {@code *} stands for any characters:
     * each literal part found leftmost in turn, in time linear in the host (a regular expression
     * with several {@code .*} backtracks: a long Origin header against {@code *.*.*.example.com}
     * took time growing with its length to a power).
     */
    static boolean wildcardMatches(String pattern, String host) {
        String[] parts = pattern.split("\\*", -1);
        if (parts.length == 1) {
            return pattern.equals(host);
        }
        String last = parts[parts.length - 1];
        int end = host.length() - last.length();
        if (!host.startsWith(parts[0]) || end < parts[0].length() || !host.endsWith(last)) {
            return false;
        }
        int from = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = host.indexOf(parts[i], from);
            if (found < 0 || found + parts[i].length() > end) {
                return false;
            }
            from = found + parts[i].length();
        }
        return true;
    }

    private void sweep() {
        for (AppRuntime runtime : byKey.values()) {
            runtime.sweep();
        }
    }

    /** The cluster bus, or null on a single node. */
    public ClusterBus cluster() {
        return bus;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public Counters counters() {
        return counters;
    }

    public AppRuntime byKey(String key) {
        return byKey.get(key);
    }

    public AppRuntime byId(String id) {
        return byId.get(id);
    }

    public Collection<AppRuntime> runtimes() {
        return byKey.values();
    }

    public List<App> apps() {
        return byKey.values().stream().map(AppRuntime::app).toList();
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweep.cancel();
        for (AppRuntime runtime : byKey.values()) {
            for (ClientConnection connection : runtime.connections.values()) {
                connection.closeWith(CloseCodes.GOING_AWAY, "Server is shutting down; reconnect shortly");
            }
        }
        if (bus != null) {
            bus.close();
        }
        webhooks.close();
    }
}
