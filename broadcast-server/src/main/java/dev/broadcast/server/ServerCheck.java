package dev.broadcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * {@code java -jar broadcast-server.jar check --url ws://host:port --app-key … --app-secret …}:
 * connects to a running server the way a browser's pusher-js does, subscribes to a public and a
 * private channel (signed here with the secret, as an app's auth endpoint would), triggers an
 * event through the HTTP API as the server SDKs do, and prints each step with what it took and,
 * for a failure, the likely cause. Exit status 0 only when every step passed; 1 when one failed;
 * 2 for bad arguments.
 */
final class ServerCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Pusher's HTTP API refuses a signature whose timestamp is further than this from its clock. */
    static final long MAX_SKEW_SECONDS = 600;

    private final URI url;
    private final String appId;
    private final String key;
    private final String secret;
    private final String origin;
    private final InstantSource clock;
    private final PrintStream out;
    private final HttpClient http;
    private final List<String> failures = new ArrayList<>();
    /** Given by the server in {@code pusher:connection_established}. */
    private volatile String socketId;

    private ServerCheck(URI url, String appId, String key, String secret, String origin, InstantSource clock,
                        PrintStream out, javax.net.ssl.SSLContext tls) {
        this.url = url;
        this.appId = appId;
        this.key = key;
        this.secret = secret;
        this.origin = origin;
        this.clock = clock;
        this.out = out;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT);
        this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    /** What {@code check --help} prints. */
    static String usage() {
        return """
                Usage: java -jar broadcast-server.jar check --url URL --app-key KEY --app-secret SECRET [options]

                Connects to a running server as pusher-js does, subscribes to a public and a private channel,
                triggers an event through the HTTP API and prints what worked, the round trip, and for each
                failure the likely cause. Exit status 0 only when every step passed.

                  --url URL          ws://, wss://, http:// or https:// host and port of the server
                  --app-key KEY      the key clients connect with
                  --app-secret S     the secret the auth endpoint and the server SDKs sign with
                  --app-id ID        the id the HTTP API is called with (default app-id)
                  --origin ORIGIN    the Origin header to connect with, as a page of that origin (default none)
                  --ca-file PEM      trust the CA certificates in this file (a private CA) instead of the JVM's
                Each option can also come from the environment: BROADCAST_APP_KEY, BROADCAST_APP_SECRET, BROADCAST_APP_ID.
                """;
    }

    /** Runs the check of {@code args} (what follows {@code check}), printing to {@code out}; the exit status. */
    static int run(String[] args, Map<String, String> env, InstantSource clock, PrintStream out) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : List.of("app-key", "app-secret", "app-id")) {
            String fromEnv = env.get("BROADCAST_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                values.put(name, fromEnv);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage());
                return 0;
            }
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") ? arg.substring(2, eq < 0 ? arg.length() : eq) : "";
            if (!List.of("url", "app-key", "app-secret", "app-id", "origin", "ca-file").contains(name)) {
                out.println("check: unknown argument " + arg + "\n\n" + usage());
                return 2;
            }
            if (eq < 0 && i + 1 >= args.length) {
                out.println("check: --" + name + " needs a value");
                return 2;
            }
            values.put(name, eq >= 0 ? arg.substring(eq + 1) : args[++i]);
        }
        for (String required : List.of("url", "app-key", "app-secret")) {
            if (!values.containsKey(required)) {
                out.println("check: --" + required + " is required\n\n" + usage());
                return 2;
            }
        }
        URI url;
        try {
            url = URI.create(values.get("url"));
        } catch (IllegalArgumentException e) {
            out.println("check: --url " + values.get("url") + " is not a URL: " + e.getMessage());
            return 2;
        }
        if (url.getHost() == null || !List.of("ws", "wss", "http", "https").contains(String.valueOf(url.getScheme()))) {
            out.println("check: --url must be ws://, wss://, http:// or https:// with a host, e.g. ws://127.0.0.1:8080: " + url);
            return 2;
        }
        javax.net.ssl.SSLContext tls = null;
        if (values.containsKey("ca-file")) {
            try {
                tls = trusting(java.nio.file.Path.of(values.get("ca-file")));
            } catch (IOException | GeneralSecurityException e) {
                out.println("check: --ca-file " + values.get("ca-file") + ": " + e.getMessage());
                return 2;
            }
        }
        return new ServerCheck(url, values.getOrDefault("app-id", "app-id"), values.get("app-key"), values.get("app-secret"),
                values.get("origin"), clock, out, tls).run();
    }

    /** An SSL context trusting the CA certificates of the PEM file {@code caFile}, and no other. */
    private static javax.net.ssl.SSLContext trusting(java.nio.file.Path caFile) throws IOException, GeneralSecurityException {
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        try (var in = java.nio.file.Files.newInputStream(caFile)) {
            for (var certificate : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in it");
        }
        javax.net.ssl.TrustManagerFactory factory =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private boolean tls() {
        return url.getScheme().equals("wss") || url.getScheme().equals("https");
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : tls() ? 443 : 80;
    }

    private String base(String scheme) {
        return scheme + (tls() ? "s" : "") + "://" + url.getHost() + ":" + port();
    }

    private int run() {
        out.println("Checking " + base("ws") + " as app " + appId + " (key " + key + ")");
        LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = connect(messages);
        if (socket == null) {
            return finish();
        }
        try {
            String channel = "check-" + UUID.randomUUID().toString().substring(0, 8);
            boolean publicOk = subscribe(messages, socket, channel, "public channel " + channel);
            subscribe(messages, socket, "private-" + channel, "private channel private-" + channel);
            if (publicOk) {
                trigger(messages, channel);
            }
        } finally {
            socket.abort();
        }
        return finish();
    }

    private int finish() {
        if (failures.isEmpty()) {
            out.println("All checks passed.");
            return 0;
        }
        out.println(failures.size() + (failures.size() == 1 ? " check" : " checks") + " failed.");
        return 1;
    }

    private void passed(String what, long started) {
        out.printf(Locale.ROOT, "  ok    %s (%d ms)%n", what, (System.nanoTime() - started) / 1_000_000);
    }

    private void failed(String what, String cause) {
        failures.add(what);
        out.println("  FAIL  " + what);
        out.println("        likely cause: " + cause);
    }

    private WebSocket connect(LinkedBlockingQueue<JsonNode> messages) {
        String what = "WebSocket connection to " + base("ws") + "/app/" + key;
        long started = System.nanoTime();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        WebSocket socket;
        try {
            socket = builder.buildAsync(URI.create(base("ws") + "/app/" + key + "?protocol=7&client=check&version=1"),
                    new Collector(messages)).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            failed(what, connectionCause(e.getCause()));
            return null;
        } catch (TimeoutException e) {
            failed(what, "no answer within " + WAIT.toSeconds() * 2 + " s: a firewall dropping packets, or a proxy holding"
                    + " the request");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        JsonNode first = next(messages);
        if (first == null) {
            failed(what, "the WebSocket opened but no pusher:connection_established came within " + WAIT.toSeconds()
                    + " s: is this a Pusher-protocol server, and does a proxy pass WebSocket frames?");
            socket.abort();
            return null;
        }
        if (first.path("event").asText().equals("pusher:error")) {
            JsonNode data = data(first);
            int code = data.path("code").asInt();
            String message = data.path("message").asText();
            failed(what, switch (code) {
                case 4001 -> "wrong key: the server has no app with key " + key + " (\"" + message + "\")";
                case 4009 -> origin == null ? "the server refused the connection: " + message
                        : "origin refused: the app's allowed origins do not include " + origin + " (\"" + message + "\")";
                default -> "the server refused the connection with " + code + ": " + message;
            });
            socket.abort();
            return null;
        }
        passed(what + ", socket id " + data(first).path("socket_id").asText(), started);
        return socket;
    }

    /** Why a connection failed, from the exception of the WebSocket client. */
    private String connectionCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException handshake) {
                int status = handshake.getResponse().statusCode();
                return status == 404 || status == 200 || status == 400 || status == 426
                        ? "the server answered HTTP " + status + " instead of switching to a WebSocket: a proxy in front"
                                + " strips the Upgrade and Connection headers (nginx needs proxy_set_header Upgrade"
                                + " $http_upgrade and Connection \"upgrade\"), or this URL is not the broadcast server"
                        : "the server answered HTTP " + status + " instead of switching to a WebSocket";
            }
            if (t instanceof SSLHandshakeException tls) {
                String message = String.valueOf(tls.getMessage());
                if (message.contains("No subject alternative") || message.contains("No name matching")) {
                    return "TLS name mismatch: the server's certificate is not for " + url.getHost() + " (" + message + ")";
                }
                if (message.contains("PKIX") || message.contains("unable to find valid certification path")) {
                    return "the server's certificate is not trusted here (self-signed, or a CA this JVM does not know): "
                            + message;
                }
                return "TLS handshake failed: " + message + (tls() ? "" : " (is the server serving TLS? use ws:// then)");
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "no answer within " + WAIT.toSeconds() + " s: a firewall dropping packets to port " + port();
            }
            if (t instanceof ConnectException) {
                return "nothing listens on " + url.getHost() + ":" + port() + " (connection refused): is the server"
                        + " running, is the port right?";
            }
            if (t instanceof IOException io && String.valueOf(io.getMessage()).contains("header parser received no bytes")) {
                return "the connection closed before any answer: " + (tls() ? "the server may not serve TLS (try ws://)"
                        : "the server may serve only TLS (try wss://)");
            }
        }
        return String.valueOf(failure);
    }

    private boolean subscribe(LinkedBlockingQueue<JsonNode> messages, WebSocket socket, String channel, String what) {
        long started = System.nanoTime();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("channel", channel);
        String socketId = this.socketId;
        if (channel.startsWith("private-")) {
            data.put("auth", key + ":" + ApiSigner.hmac(secret, socketId + ":" + channel));
        }
        send(socket, Map.of("event", "pusher:subscribe", "data", data));
        JsonNode answer = nextFor(messages, channel);
        if (answer == null) {
            failed(what, "no answer to the subscription within " + WAIT.toSeconds() + " s");
            return false;
        }
        if (answer.path("event").asText().equals("pusher_internal:subscription_succeeded")) {
            passed(what, started);
            return true;
        }
        JsonNode error = data(answer);
        failed(what, channel.startsWith("private-") && error.path("type").asText().equals("AuthError")
                ? "wrong secret: the server refused the channel signature made with the secret given here ("
                        + error.path("error").asText() + ")"
                : "the server refused the subscription: " + error);
        return false;
    }

    private void trigger(LinkedBlockingQueue<JsonNode> messages, String channel) {
        String what = "event triggered through the HTTP API reached the client";
        String path = "/apps/" + appId + "/events";
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("name", "check", "channel", channel, "data", "{\"sent\":true}"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long timestamp = clock.instant().getEpochSecond();
        String query = ApiSigner.query(key, secret, "POST", path, body, timestamp);
        long started = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(base("http") + path + "?" + query)).timeout(WAIT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            failed(what, "the HTTP API did not answer within " + WAIT.toSeconds() + " s");
            return;
        } catch (IOException e) {
            failed(what, "the HTTP API request failed: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (response.statusCode() != 200) {
            failed(what, apiCause(response, timestamp));
            return;
        }
        JsonNode event = nextFor(messages, channel);
        if (event == null || !event.path("event").asText().equals("check")) {
            failed(what, "the API accepted the event (200) but it did not arrive within " + WAIT.toSeconds() + " s");
            return;
        }
        passed(what + ", round trip", started);
    }

    /** Why the HTTP API refused the trigger. */
    private String apiCause(HttpResponse<String> response, long timestamp) {
        String error = response.body();
        if (response.statusCode() == 401 && error.contains("Timestamp expired")) {
            java.util.regex.Matcher serverTime = java.util.regex.Pattern.compile("server time \\((\\d+)\\)").matcher(error);
            String difference = serverTime.find() ? skew(timestamp - Long.parseLong(serverTime.group(1)))
                    : response.headers().firstValue("Date").map(date -> skew(timestamp
                            - ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond()))
                    .orElse("this machine's clock and the server's differ");
            return "clock skew: " + difference + ", over the " + MAX_SKEW_SECONDS
                    + " s the API allows; sync both with NTP (" + error + ")";
        }
        if (response.statusCode() == 401 && error.contains("Unknown auth_key")) {
            return "wrong key for the HTTP API (" + error + ")";
        }
        if (response.statusCode() == 401 && error.contains("Invalid signature")) {
            return "wrong secret: the server refused the API request signed with the secret given here (" + error + ")";
        }
        if (response.statusCode() == 404 && error.contains("Unknown app id")) {
            return "wrong app id: the server has no app " + appId + " (" + error + ")";
        }
        return "the HTTP API answered " + response.statusCode() + ": " + error;
    }

    private static String skew(long seconds) {
        return "this machine's clock is " + Math.abs(seconds) + " s " + (seconds > 0 ? "ahead of" : "behind") + " the server's";
    }

    private JsonNode next(LinkedBlockingQueue<JsonNode> messages) {
        try {
            JsonNode message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message != null && message.path("event").asText().equals("pusher:connection_established")) {
                socketId = data(message).path("socket_id").asText();
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next message about {@code channel} (or an error), skipping others, within the wait. */
    private JsonNode nextFor(LinkedBlockingQueue<JsonNode> messages, String channel) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null) {
                    return null;
                }
                if (channel.equals(message.path("channel").asText()) || message.path("event").asText().equals("pusher:error")) {
                    return message;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The {@code data} of a message, parsed when it is a string. */
    private static JsonNode data(JsonNode message) {
        JsonNode data = message.path("data");
        if (data.isTextual()) {
            try {
                return JSON.readTree(data.asText());
            } catch (IOException e) {
                return data;
            }
        }
        return data;
    }

    private static void send(WebSocket socket, Object message) {
        try {
            socket.sendText(JSON.writeValueAsString(message), true).join();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gathers the server's messages, parsed. */
    private static final class Collector implements WebSocket.Listener {
        private final LinkedBlockingQueue<JsonNode> messages;
        private final StringBuilder partial = new StringBuilder();

        Collector(LinkedBlockingQueue<JsonNode> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (IOException notJson) {
                    // not a Pusher message: ignored
                }
                partial.setLength(0);
            }
            socket.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }
}
