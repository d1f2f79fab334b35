package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check}: against a healthy server it passes; against each fault an operator meets it fails
 * naming the likely cause.
 */
class ServerCheckTest {

    @TempDir
    Path directory;
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    private BroadcastServer server(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(List.of(extra));
        BroadcastServer server = BroadcastServer.start(ServerOptions.parse(args.toArray(String[]::new), Map.of()));
        started.add(server);
        return server;
    }

    /** The exit status and the output of {@code check args} with this machine's clock off by {@code skew}. */
    private record Outcome(int status, String output) {
    }

    private static Outcome check(Duration skew, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InstantSource clock = () -> java.time.Instant.now().plus(skew);
        int status = ServerCheck.run(args, Map.of(), clock, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Outcome(status, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Outcome check(String... args) {
        return check(Duration.ZERO, args);
    }

    private static void assertFails(Outcome outcome, String cause) {
        assertEquals(1, outcome.status(), outcome.output());
        assertTrue(outcome.output().contains("likely cause: " + cause), outcome.output());
    }

    @Test
    void aHealthyServerPassesEveryStep() throws IOException {
        BroadcastServer server = server();
        Outcome outcome = check("--url", "ws://127.0.0.1:" + server.port(), "--app-key", "app-key", "--app-secret", "app-secret");
        assertEquals(0, outcome.status(), outcome.output());
        for (String step : List.of("ok    WebSocket connection", "ok    public channel check-", "ok    private channel private-check-",
                "ok    event triggered through the HTTP API reached the client, round trip (", "All checks passed.")) {
            assertTrue(outcome.output().contains(step), step + " in\n" + outcome.output());
        }
    }

    @Test
    void aWrongSecretIsNamed() throws IOException {
        BroadcastServer server = server();
        Outcome outcome = check("--url", "ws://127.0.0.1:" + server.port(), "--app-key", "app-key", "--app-secret", "wrong");
        assertFails(outcome, "wrong secret: the server refused the channel signature");
        assertFails(outcome, "wrong secret: the server refused the API request");
    }

    @Test
    void aWrongKeyIsNamed() throws IOException {
        BroadcastServer server = server();
        assertFails(check("--url", "ws://127.0.0.1:" + server.port(), "--app-key", "nope", "--app-secret", "app-secret"),
                "wrong key: the server has no app with key nope");
    }

    @Test
    void aSkewedClockIsNamedWithItsSize() throws IOException {
        BroadcastServer server = server();
        Outcome outcome = check(Duration.ofSeconds(700), "--url", "ws://127.0.0.1:" + server.port(), "--app-key", "app-key",
                "--app-secret", "app-secret");
        assertFails(outcome, "clock skew: this machine's clock is 70");
        assertTrue(outcome.output().contains(" s ahead of the server's, over the 600 s the API allows"), outcome.output());
    }

    @Test
    void aPortWithNoServerIsNamed() throws IOException {
        int free;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        assertFails(check("--url", "ws://127.0.0.1:" + free, "--app-key", "app-key", "--app-secret", "app-secret"),
                "nothing listens on 127.0.0.1:" + free);
    }

    @Test
    void aProxyThatStripsTheUpgradeIsNamed() throws IOException {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1); // answers the handshake as a plain request
            exchange.close();
        });
        proxy.start();
        started.add(() -> proxy.stop(0));
        assertFails(check("--url", "ws://127.0.0.1:" + proxy.getAddress().getPort(), "--app-key", "app-key",
                "--app-secret", "app-secret"), "the server answered HTTP 200 instead of switching to a WebSocket: a proxy");
    }

    @Test
    void aRefusedOriginIsNamed() throws IOException {
        BroadcastServer server = server("--allowed-origins", "https://app.example.com");
        assertFails(check("--url", "ws://127.0.0.1:" + server.port(), "--app-key", "app-key", "--app-secret", "app-secret",
                "--origin", "https://evil.example"), "origin refused: the app's allowed origins do not include https://evil.example");
        assertEquals(0, check("--url", "ws://127.0.0.1:" + server.port(), "--app-key", "app-key", "--app-secret", "app-secret",
                "--origin", "https://app.example.com").status());
    }

    @Test
    void overTlsItPassesAndATlsNameMismatchIsNamed() throws IOException {
        TestCertificates ca = TestCertificates.authority(directory, "Check CA");
        TestCertificates.Issued right = ca.issue("right", "localhost", "localhost", "127.0.0.1");
        BroadcastServer server = server("--tls-cert", right.cert().toString(), "--tls-key", right.key().toString());
        Outcome passed = check("--url", "wss://localhost:" + server.port(), "--app-key", "app-key", "--app-secret", "app-secret",
                "--ca-file", ca.caFile().toString());
        assertEquals(0, passed.status(), passed.output());

        TestCertificates.Issued other = ca.issue("other", "other.test", "other.test");
        BroadcastServer wrongName = server("--tls-cert", other.cert().toString(), "--tls-key", other.key().toString());
        assertFails(check("--url", "wss://localhost:" + wrongName.port(), "--app-key", "app-key", "--app-secret", "app-secret",
                "--ca-file", ca.caFile().toString()), "TLS name mismatch: the server's certificate is not for localhost");
        assertFails(check("--url", "wss://localhost:" + server.port(), "--app-key", "app-key", "--app-secret", "app-secret"),
                "the server's certificate is not trusted here");
    }

    @Test
    void badArgumentsExitWith2() {
        assertEquals(2, check("--app-key", "k", "--app-secret", "s").status(), "no --url");
        assertEquals(2, check("--url", "ftp://x", "--app-key", "k", "--app-secret", "s").status());
        Outcome unknown = check("--url", "ws://127.0.0.1:1", "--bogus", "1");
        assertEquals(2, unknown.status());
        assertTrue(unknown.output().startsWith("check: unknown argument --bogus"), unknown.output());
        assertEquals(0, check("--help").status());
    }
}
