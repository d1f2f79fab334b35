package dev.broadcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.core.config.App;
import dev.broadcast.redis.RedisBus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Map;

/**
 * The standalone server's configuration, read from flags, then {@code BROADCAST_*} environment
 * variables of the same names, then a {@code --config} file, then the embedded defaults.
 *
 * @param host  the address to listen on
 * @param port  the port; 0 picks a free one
 * @param apps  the apps to host
 * @param help  whether {@code --help} was asked for
 * @param transport what serves the connections
 * @param ioThreads event loops of the Netty transport
 * @param redisUrl  the Redis that joins this server to a cluster of servers, or null for a single node
 * @param redisPrefix what this deployment's Redis keys and channels start with
 * @param reusePort whether to bind with {@code SO_REUSEPORT}, so that a new server can listen on
 *                  the port while the old one drains (a restart clients do not notice)
 * @param maxConnections sockets open at once; 0 for what the open-file limit leaves
 * @param maxConnectionsPerIp sockets open at once from one IP address; 0 for no limit
 * @param httpHostname the host name that reaches this node directly, to which pusher-js's HTTP
 *                     transports pin their sessions, or null
 * @param httpSessionTimeoutSeconds how long an HTTP transport session lives without a request from
 *                     its client; its heartbeat is half of it, at most 25 s
 * @param tlsCert   the PEM certificate chain to serve {@code wss://} and {@code https://} with, or
 *                  null for plain {@code ws://} and {@code http://}
 * @param tlsKey    its PKCS#8 PEM private key, or null
 * @param metricsPort the port {@code GET /metrics} is served on (Prometheus), 0 for a free one, or
 *                  empty for none
 * @param logLevel  {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}
 * @param logFormat {@code text} or {@code json} (one object a line)
 * @param console   whether the debug console is served at {@code /console}
 */
public record ServerOptions(String host, int port, List<App> apps, boolean help, TransportKind transport, int ioThreads,
                            String redisUrl, String redisPrefix, boolean reusePort, int maxConnections,
                            int maxConnectionsPerIp, String httpHostname, int httpSessionTimeoutSeconds,
                            Path tlsCert, Path tlsKey, OptionalInt metricsPort, String logLevel, String logFormat,
                            boolean console) {

    /** What {@code --log-level} accepts. */
    public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");
    /** What {@code --log-format} accepts. */
    public static final List<String> LOG_FORMATS = List.of("text", "json");

    /** The session timeout of the HTTP transports unless {@code --http-session-timeout} says otherwise. */
    public static final int DEFAULT_HTTP_SESSION_TIMEOUT_SECONDS = 60;

    /** What serves the connections. */
    public enum TransportKind {
        /** The server's own Netty transport, which coalesces writes: the fast path, and the default. */
        NETTY,
        /** The portable Jakarta WebSocket endpoint on Tyrus/Grizzly, as it runs in any container. */
        TYRUS
    }

    /** Options on the default transport with one event loop. */
    public ServerOptions(String host, int port, List<App> apps, boolean help) {
        this(host, port, apps, help, TransportKind.NETTY, defaultIoThreads(), null, DEFAULT_REDIS_PREFIX, false, 0, 0, null,
                DEFAULT_HTTP_SESSION_TIMEOUT_SECONDS, null, null, OptionalInt.empty(), "info", "text", false);
    }

    /**
     * The secret of the app the flags describe when none is given: fine on one's own machine, so
     * with it the server listens on loopback only unless told {@code --insecure}.
     */
    public static final String DEFAULT_SECRET = "app-secret";

    /** The Redis prefix unless {@code --redis-prefix} says otherwise. */
    public static final String DEFAULT_REDIS_PREFIX = "broadcast:";

    /** These options on a cluster of servers joined by the Redis at {@code url}, with {@code prefix}. */
    public ServerOptions withRedis(String url, String prefix) {
        return new ServerOptions(host, port, apps, help, transport, ioThreads, url, prefix, reusePort, maxConnections,
                maxConnectionsPerIp, httpHostname, httpSessionTimeoutSeconds, tlsCert, tlsKey, metricsPort, logLevel, logFormat, console);
    }

    /**
     * One event loop: it alone delivered 1.5M frames a second (docs/performance.md), while two
     * loops on two cores did worse, because every broadcast then crosses threads for the other
     * loop's connections.
     */
    private static int defaultIoThreads() {
        return 1;
    }

    /** The flags, in the order {@code --help} lists them. */
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("host", "address to listen on (default 0.0.0.0; 127.0.0.1 while the secret is the default one)");
        FLAGS.put("port", "port for WebSocket and HTTP API (default 8080)");
        FLAGS.put("app-id", "id of the app (default app-id)");
        FLAGS.put("app-key", "key of the app (default app-key)");
        FLAGS.put("app-secret", "secret of the app (default app-secret, for local use only)");
        FLAGS.put("client-events", "true|false: allow client events (whispers) (default false)");
        FLAGS.put("activity-timeout", "seconds of silence before the server pings a client (default 120)");
        FLAGS.put("allowed-origins", "comma list of allowed browser origins, * for any (default *)");
        FLAGS.put("webhook-url", "URL webhooks are posted to (default none)");
        FLAGS.put("transport", "netty|tyrus: the fast Netty transport or the Jakarta endpoint on Tyrus (default netty)");
        FLAGS.put("io-threads", "event loops of the netty transport (default 1)");
        FLAGS.put("config", "JSON file with several apps (see docs/server.md); replaces the app-* options");
        FLAGS.put("redis-url", "redis://[user:password@]host[:port][/db] (or rediss:// for TLS): run as one node"
                + " of a cluster of servers sharing that Redis (docs/cluster.md) (default none: a single node)");
        FLAGS.put("redis-prefix", "what this deployment's Redis keys and channels start with (default broadcast:)");
        FLAGS.put("reuse-port", "true|false: bind with SO_REUSEPORT (netty transport), so a new server can start on the"
                + " port before the old one stops: a restart clients do not notice (default false)");
        FLAGS.put("max-connections", "sockets open at once; when full, the oldest that is not a"
                + " WebSocket yet is closed (default: what the open-file limit leaves)");
        FLAGS.put("max-connections-per-ip", "sockets open at once from one IP address (default 0: no limit)");
        FLAGS.put("http-hostname", "host name that reaches this node directly: pusher-js's HTTP transports then send a"
                + " session's requests here, for several nodes behind a load balancer (default none)");
        FLAGS.put("http-session-timeout", "seconds an HTTP transport session lives with no request from its client"
                + " (a vanished client leaves presence then); its heartbeat is half of it, at most 25 s (default 60)");
        FLAGS.put("tls-cert", "PEM certificate chain (e.g. Let's Encrypt's fullchain.pem): serve wss:// and https:// on the"
                + " port instead of ws:// and http://; read again when the file changes (netty transport) (default none)");
        FLAGS.put("tls-key", "PKCS#8 PEM private key of --tls-cert (e.g. privkey.pem) (default none)");
        FLAGS.put("metrics-port", "port for GET /metrics in Prometheus's format (the server's and the JVM's meters), on"
                + " --host; never served on --port (default none)");
        FLAGS.put("log-level", "error|warn|info|debug|trace: info logs refusals, subscription errors, webhook failures;"
                + " debug adds every connection opened and closed (default info)");
        FLAGS.put("log-format", "text|json: json writes one JSON object a line, for log shippers (default text)");
    }

    /** The text {@code --help} prints. */
    public static String usage() {
        StringBuilder out = new StringBuilder("Usage: java -jar broadcast-server.jar [options]\n\n"
                + "A Pusher-protocol (v7) WebSocket server with the Pusher HTTP API on the same port.\n"
                + "Every option can also be set by an environment variable: --app-key is BROADCAST_APP_KEY.\n\n");
        FLAGS.forEach((flag, text) -> out.append(String.format("  --%-22s %s%n", flag, text)));
        out.append(String.format("  --%-22s %s%n", "insecure", "listen beyond loopback even with the default secret"));
        out.append(String.format("  --%-22s %s%n", "console", "serve the debug console at /console: log in with an app's key and"
                + " secret (netty transport)"));
        out.append(String.format("  --%-22s %s%n", "help", "print this and exit"));
        out.append("\nHealth: GET /up answers 200 {\"health\":\"OK\"}. SIGTERM closes clients with 4200 and exits.\n");
        out.append("Check a running server: java -jar broadcast-server.jar check --help\n");
        return out.toString();
    }

    /**
     * Parses {@code args} ({@code --name value} or {@code --name=value}) over {@code env}.
     *
     * @throws IllegalArgumentException naming the option and what is wrong with it
     */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        FLAGS.keySet().forEach(flag -> {
            String fromEnv = env.get("BROADCAST_" + flag.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                values.put(flag, fromEnv);
            }
        });
        boolean help = false;
        boolean insecure = "true".equalsIgnoreCase(env.get("BROADCAST_INSECURE"));
        boolean console = "true".equalsIgnoreCase(env.get("BROADCAST_CONSOLE"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--insecure")) {
                insecure = true;
                continue;
            }
            if (arg.equals("--console")) {
                console = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "'; options start with --");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (!FLAGS.containsKey(name)) {
                throw new IllegalArgumentException("Unknown option --" + name + "; known: --"
                        + String.join(", --", FLAGS.keySet()) + ", --help");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Option --" + name + " needs a value");
            }
            values.put(name, value);
        }
        if (help) {
            return new ServerOptions("0.0.0.0", 8080, List.of(), true);
        }
        JsonNode file = values.containsKey("config") ? readConfig(Path.of(values.get("config"))) : null;
        int port = values.containsKey("port") ? integer("port", values.get("port"), 0, 65535)
                : file != null && file.hasNonNull("port") ? integer("port", file.get("port").asText(), 0, 65535) : 8080;
        List<App> apps = file != null ? appsFromFile(file) : List.of(app(values));
        boolean defaultSecret = apps.stream().anyMatch(app -> app.secret().equals(DEFAULT_SECRET));
        String host = values.getOrDefault("host", file != null && file.hasNonNull("host") ? file.get("host").asText()
                : defaultSecret ? "127.0.0.1" : "0.0.0.0");
        if (defaultSecret && !insecure && !isLoopback(host)) {
            throw new IllegalArgumentException("--host " + host + ": an app has the default secret, which everyone knows,"
                    + " so anyone who can reach the server could sign HTTP API requests. Set a secret with --app-secret"
                    + " (or BROADCAST_APP_SECRET, or \"secret\" in --config), or pass --insecure to listen anyway");
        }
        int ioThreads = values.containsKey("io-threads") ? integer("io-threads", values.get("io-threads"), 1, 1024)
                : defaultIoThreads();
        String redisUrl = values.get("redis-url");
        String redisPrefix = values.getOrDefault("redis-prefix", DEFAULT_REDIS_PREFIX);
        if (redisUrl != null) {
            try {
                RedisBus.builder(redisUrl).prefix(redisPrefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((e.getMessage().startsWith("Redis prefix") ? "--redis-prefix: " : "--redis-url: ")
                        + e.getMessage(), e);
            }
        } else if (values.containsKey("redis-prefix")) {
            throw new IllegalArgumentException("--redis-prefix needs --redis-url");
        }
        TransportKind transport = transport(values.getOrDefault("transport", "netty"));
        boolean reusePort = values.containsKey("reuse-port") && bool("reuse-port", values.get("reuse-port"));
        if (reusePort && transport != TransportKind.NETTY) {
            throw new IllegalArgumentException("--reuse-port needs the netty transport");
        }
        int maxConnections = values.containsKey("max-connections")
                ? integer("max-connections", values.get("max-connections"), 1, Integer.MAX_VALUE) : 0;
        int maxConnectionsPerIp = values.containsKey("max-connections-per-ip")
                ? integer("max-connections-per-ip", values.get("max-connections-per-ip"), 0, Integer.MAX_VALUE) : 0;
        String httpHostname = values.get("http-hostname");
        if (httpHostname != null) {
            try {
                dev.broadcast.core.BroadcastHub.builder().httpHostname(httpHostname);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--http-hostname: " + e.getMessage(), e);
            }
        }
        int httpSessionTimeout = values.containsKey("http-session-timeout")
                ? integer("http-session-timeout", values.get("http-session-timeout"), 2, 3600)
                : DEFAULT_HTTP_SESSION_TIMEOUT_SECONDS;
        Path tlsCert = values.containsKey("tls-cert") ? path("tls-cert", values.get("tls-cert")) : null;
        Path tlsKey = values.containsKey("tls-key") ? path("tls-key", values.get("tls-key")) : null;
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (tlsCert != null) {
            if (transport != TransportKind.NETTY) {
                throw new IllegalArgumentException("--tls-cert needs the netty transport");
            }
            try {
                ServerTls.load(tlsCert, tlsKey).close();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tls-cert/--tls-key: " + e.getMessage(), e);
            }
        }
        OptionalInt metricsPort = values.containsKey("metrics-port")
                ? OptionalInt.of(integer("metrics-port", values.get("metrics-port"), 0, 65535)) : OptionalInt.empty();
        if (metricsPort.isPresent() && metricsPort.getAsInt() != 0 && metricsPort.getAsInt() == port) {
            throw new IllegalArgumentException("--metrics-port " + port + " is --port: the meters get a port of their own");
        }
        String logLevel = oneOf("log-level", values.getOrDefault("log-level", "info"), LOG_LEVELS);
        String logFormat = oneOf("log-format", values.getOrDefault("log-format", "text"), LOG_FORMATS);
        if (console && transport != TransportKind.NETTY) {
            throw new IllegalArgumentException("--console needs the netty transport");
        }
        return new ServerOptions(host, port, apps, false, transport, ioThreads, redisUrl, redisPrefix, reusePort,
                maxConnections, maxConnectionsPerIp, httpHostname, httpSessionTimeout, tlsCert, tlsKey, metricsPort,
                logLevel, logFormat, console);
    }

    /** Whether {@code host} names only this machine (127.0.0.0/8, ::1, localhost). */
    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host.strip())) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + ": unknown host", e);
        }
    }

    private static TransportKind transport(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "netty" -> TransportKind.NETTY;
            case "tyrus" -> TransportKind.TYRUS;
            default -> throw new IllegalArgumentException("transport must be netty or tyrus: " + value);
        };
    }

    private static App app(Map<String, String> values) {
        App.Builder builder = App.builder(
                values.getOrDefault("app-id", "app-id"),
                values.getOrDefault("app-key", "app-key"),
                values.getOrDefault("app-secret", DEFAULT_SECRET));
        if (values.containsKey("client-events")) {
            builder.clientEvents(bool("client-events", values.get("client-events")));
        }
        if (values.containsKey("activity-timeout")) {
            builder.activityTimeout(Duration.ofSeconds(integer("activity-timeout", values.get("activity-timeout"), 1, 86400)));
        }
        if (values.containsKey("allowed-origins")) {
            builder.allowedOrigins(Arrays.stream(values.get("allowed-origins").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        if (values.containsKey("webhook-url")) {
            builder.webhook(uri("webhook-url", values.get("webhook-url")));
        }
        return builder.build();
    }

    private static JsonNode readConfig(Path path) {
        try {
            JsonNode node = new ObjectMapper().readTree(Files.readString(path));
            if (node == null || !node.isObject() || !node.path("apps").isArray() || node.get("apps").isEmpty()) {
                throw new IllegalArgumentException("--config " + path + ": expected {\"apps\":[{\"id\":…,\"key\":…,\"secret\":…}, …]}");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + path + ": cannot read it as JSON: " + e.getMessage(), e);
        }
    }

    private static List<App> appsFromFile(JsonNode file) {
        List<App> apps = new ArrayList<>();
        for (JsonNode node : file.get("apps")) {
            String where = "--config apps[" + apps.size() + "]";
            for (String required : List.of("id", "key", "secret")) {
                if (!node.path(required).isTextual()) {
                    throw new IllegalArgumentException(where + ": \"" + required + "\" must be a string");
                }
            }
            App.Builder builder = App.builder(node.get("id").asText(), node.get("key").asText(), node.get("secret").asText());
            if (node.has("client_events")) {
                builder.clientEvents(bool(where + ".client_events", node.get("client_events").asText()));
            }
            if (node.has("activity_timeout")) {
                builder.activityTimeout(Duration.ofSeconds(
                        integer(where + ".activity_timeout", node.get("activity_timeout").asText(), 1, 86400)));
            }
            if (node.has("allowed_origins")) {
                List<String> origins = new ArrayList<>();
                node.get("allowed_origins").forEach(o -> origins.add(o.asText()));
                builder.allowedOrigins(origins);
            }
            if (node.has("webhooks")) {
                for (JsonNode url : node.get("webhooks")) {
                    builder.webhook(uri(where + ".webhooks", url.asText()));
                }
            }
            apps.add(builder.build());
        }
        return apps;
    }

    private static Path path(String name, String value) {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("--" + name + " is not a file path: " + e.getMessage(), e);
        }
    }

    private static String oneOf(String name, String value, List<String> allowed) {
        String lower = value.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ": " + value);
        }
        return lower;
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + value, e);
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false: " + value);
        };
    }

    private static URI uri(String name, String value) {
        try {
            return URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            // neither the value nor the parser's message: both may hold a password
            throw new IllegalArgumentException(name + " is not a URL (a user or password must be percent-encoded)");
        }
    }
}
