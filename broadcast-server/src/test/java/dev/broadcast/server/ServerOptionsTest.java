package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.config.App;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerOptionsTest {

    @Test
    void defaultsAreTheEmbeddedApp() {
        ServerOptions options = ServerOptions.parse(new String[0], Map.of());
        assertEquals("127.0.0.1", options.host(), "the default secret: loopback only");
        assertEquals(8080, options.port());
        App app = options.apps().get(0);
        assertEquals(List.of("app-id", "app-key", "app-secret"), List.of(app.id(), app.key(), app.secret()));
        assertFalse(app.clientEvents());
        assertEquals(Duration.ofSeconds(120), app.activityTimeout());
        assertEquals(List.of("*"), app.allowedOrigins());
        assertTrue(app.webhooks().isEmpty());
        assertEquals(ServerOptions.TransportKind.NETTY, options.transport());
    }

    @Test
    void transportPicksNettyOrTheJakartaEndpointOnTyrus() {
        assertEquals(ServerOptions.TransportKind.TYRUS,
                ServerOptions.parse(new String[] {"--transport", "tyrus"}, Map.of()).transport());
        assertEquals(ServerOptions.TransportKind.NETTY,
                ServerOptions.parse(new String[0], Map.of("BROADCAST_TRANSPORT", "Netty")).transport());
        assertMessage("transport must be netty or tyrus: jetty", "--transport", "jetty");
    }

    @Test
    void ioThreadsDefaultToOneAndAreBounded() {
        assertEquals(1, ServerOptions.parse(new String[0], Map.of()).ioThreads());
        assertEquals(1, new ServerOptions("127.0.0.1", 0, List.of(), false).ioThreads());
        assertEquals(2, ServerOptions.parse(new String[] {"--io-threads", "2"}, Map.of()).ioThreads());
        assertEquals(1024, ServerOptions.parse(new String[] {"--io-threads", "1024"}, Map.of()).ioThreads());
        assertMessage("io-threads must be between 1 and 1024: 0", "--io-threads", "0");
        assertMessage("io-threads must be between 1 and 1024: 1025", "--io-threads", "1025");
    }

    @Test
    void flagsWinOverEnvironmentVariablesOfTheSameName() {
        ServerOptions options = ServerOptions.parse(
                new String[] {"--port=9001", "--app-key", "flag-key"},
                Map.of("BROADCAST_PORT", "9000", "BROADCAST_APP_KEY", "env-key", "BROADCAST_APP_SECRET", "env-secret",
                        "BROADCAST_CLIENT_EVENTS", "true", "BROADCAST_ACTIVITY_TIMEOUT", "30",
                        "BROADCAST_ALLOWED_ORIGINS", "https://a.example.com, *.b.example.com",
                        "BROADCAST_WEBHOOK_URL", "http://127.0.0.1:9/hooks", "BROADCAST_HOST", "127.0.0.1"));
        App app = options.apps().get(0);
        assertEquals(9001, options.port());
        assertEquals("127.0.0.1", options.host());
        assertEquals("flag-key", app.key());
        assertEquals("env-secret", app.secret());
        assertTrue(app.clientEvents());
        assertEquals(Duration.ofSeconds(30), app.activityTimeout());
        assertEquals(List.of("https://a.example.com", "*.b.example.com"), app.allowedOrigins());
        assertEquals(List.of(URI.create("http://127.0.0.1:9/hooks")), app.webhooks());
    }

    @Test
    void badValuesNameTheOption() {
        assertMessage("port must be a whole number: abc", "--port", "abc");
        assertMessage("port must be between 0 and 65535: 70000", "--port", "70000");
        assertMessage("client-events must be true or false: maybe", "--client-events", "maybe");
        assertMessage("activity-timeout must be between 1 and 86400: 0", "--activity-timeout", "0");
        assertMessage("Option --port needs a value", "--port");
        assertMessage("Unexpected argument 'serve'; options start with --", "serve");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--prot", "1"}, Map.of())).getMessage()
                .startsWith("Unknown option --prot; known: --host, --port"));
        assertMessage("webhook URL must be http or https: ftp://x/y", "--webhook-url", "ftp://x/y");
    }

    @Test
    void configFileDefinesSeveralApps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("apps.json");
        Files.writeString(file, """
                {"port": 7000, "apps": [
                  {"id": "1", "key": "k1", "secret": "s1", "client_events": true, "activity_timeout": 30,
                   "allowed_origins": ["https://x.example.com"], "webhooks": ["http://127.0.0.1:1/h"]},
                  {"id": "2", "key": "k2", "secret": "s2"}
                ]}""");
        ServerOptions options = ServerOptions.parse(new String[] {"--config", file.toString(), "--port", "7001"}, Map.of());
        assertEquals(7001, options.port());
        assertEquals(2, options.apps().size());
        App first = options.apps().get(0);
        assertTrue(first.clientEvents());
        assertEquals(Duration.ofSeconds(30), first.activityTimeout());
        assertEquals(List.of("https://x.example.com"), first.allowedOrigins());
        assertEquals("k2", options.apps().get(1).key());
    }

    @Test
    void configFileProblemsAreExplained(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("apps.json");
        Files.writeString(file, "{\"apps\": [{\"id\": \"1\", \"key\": \"k1\"}]}");
        assertMessage("--config apps[0]: \"secret\" must be a string", "--config", file.toString());
        Files.writeString(file, "{\"apps\": []}");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--config", file.toString()}, Map.of())).getMessage()
                .contains("expected {\"apps\":[{\"id\""));
    }

    @Test
    void helpListsEveryOption() {
        assertTrue(ServerOptions.parse(new String[] {"--help"}, Map.of()).help());
        String usage = ServerOptions.usage();
        for (String flag : List.of("--host", "--port", "--app-id", "--app-key", "--app-secret", "--client-events",
                "--activity-timeout", "--allowed-origins", "--webhook-url", "--config", "--insecure", "--help")) {
            assertTrue(usage.contains(flag), flag);
        }
    }

    /** D5: with no options the server listened on 0.0.0.0 with the secret everyone knows. */
    @Test
    void theDefaultSecretListensOnLoopbackOnlyUnlessToldInsecure() {
        assertEquals("0.0.0.0", ServerOptions.parse(new String[] {"--app-secret", "s3cret"}, Map.of()).host(),
                "a real secret: every interface, as before");
        assertEquals("0.0.0.0", ServerOptions.parse(new String[0], Map.of("BROADCAST_APP_SECRET", "s3cret")).host());
        for (String loopback : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
            assertEquals(loopback, ServerOptions.parse(new String[] {"--host", loopback}, Map.of()).host());
        }
        String refused = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--host", "0.0.0.0"}, Map.of())).getMessage();
        assertTrue(refused.startsWith("--host 0.0.0.0: an app has the default secret"), refused);
        assertTrue(refused.contains("--app-secret") && refused.contains("--insecure"), refused);
        assertFalse(refused.contains("app-secret,") || refused.contains("'app-secret'"), "the secret is not printed: " + refused);
        assertEquals("0.0.0.0", ServerOptions.parse(new String[] {"--host", "0.0.0.0", "--insecure"}, Map.of()).host());
        assertEquals("0.0.0.0", ServerOptions.parse(new String[] {"--host", "0.0.0.0"},
                Map.of("BROADCAST_INSECURE", "true")).host());
    }

    /** Found by ServerOptionsFuzzTest: a refused --webhook-url was printed with its password. */
    @Test
    void aRefusedWebhookUrlIsNotPrinted() {
        String message = assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse(
                new String[] {"--app-secret", "s", "--webhook-url", "http://user:s3cr3t word@example.com/h"}, Map.of()))
                .getMessage();
        assertFalse(message.contains("s3cr3t"), message);
        assertTrue(message.startsWith("webhook-url is not a URL"), message);
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(args, Map.of())).getMessage());
    }

    @Test
    void anHttpHostnamePinsHttpSessionsAndABadOneIsRefusedByName() {
        assertEquals("node-2.example.com",
                ServerOptions.parse(new String[] {"--http-hostname", "node-2.example.com"}, Map.of()).httpHostname());
        assertEquals(null, ServerOptions.parse(new String[0], Map.of()).httpHostname());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--http-hostname", "node 2"}, Map.of()));
        assertTrue(refused.getMessage().startsWith("--http-hostname: httpHostname must be a host name"), refused.getMessage());
    }

    @Test
    void theHttpSessionTimeoutIsBoundedAndNamedWhenWrong() {
        assertEquals(60, ServerOptions.parse(new String[0], Map.of()).httpSessionTimeoutSeconds());
        assertEquals(2, ServerOptions.parse(new String[] {"--http-session-timeout", "2"}, Map.of()).httpSessionTimeoutSeconds());
        assertEquals(3600, ServerOptions.parse(new String[0], Map.of("BROADCAST_HTTP_SESSION_TIMEOUT", "3600"))
                .httpSessionTimeoutSeconds());
        for (String wrong : new String[] {"1", "3601", "ten"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ServerOptions.parse(new String[] {"--http-session-timeout", wrong}, Map.of()));
            assertTrue(refused.getMessage().startsWith("http-session-timeout must be"), refused.getMessage());
        }
    }
}
