package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.AuthResponse;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code broadcaster.notify(user, notification)} received by laravel-echo 2.5's
 * {@code .notification(callback)} under Node ({@code notifications.mjs}): with the pusher driver
 * to the standalone server, as an application beside Reverb would send, and with the local driver
 * to the hub of the Jetty target. Echo authorizes the user's channel at the host application's
 * {@code /broadcasting/auth}, whose route lets each user have their own notification channel only.
 */
@DisplayName("Notifications: laravel-echo's .notification() receives Broadcaster.notify")
class NotificationsConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a Laravel application's notification would carry; a record, as a Java application writes it. */
    public record InvoicePaid(long invoiceId, BigDecimal amount, String currency) {
    }

    /** A user as the application knows it; its notification channel is read from {@code id}. */
    public record User(long id, String name) {
    }

    @Test
    @DisplayName("pusher driver to the standalone server: user 42 gets its invoice with id and type, user 7 only its own")
    void pusherDriverToTheStandaloneServer() throws Exception {
        try (ServerProcess server = ServerProcess.start("server-notifications", List.of());
                DispatchingBroadcaster broadcaster = Broadcasters.pusher(URI.create("http://127.0.0.1:" + server.port()),
                        Target.APP_ID, Target.APP_KEY, Target.APP_SECRET)) {
            HttpServer auth = authEndpoint();
            try {
                JsonNode json = runScenario("server", "127.0.0.1", server.port(),
                        "http://127.0.0.1:" + auth.getAddress().getPort() + "/broadcasting/auth", broadcaster);
                assertReceived(json);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + server.logTail(), e);
            } finally {
                auth.stop(0);
            }
        }
    }

    @Test
    @DisplayName("local driver to the Jetty target's hub: the same, through Jetty's /broadcasting/auth")
    void localDriverToTheJettyTargetsHub() throws Exception {
        try (JettyTarget jetty = new JettyTarget(Ports.free());
                DispatchingBroadcaster broadcaster = Broadcasters.local(jetty.hub(), Target.APP_ID)) {
            JsonNode json = runScenario("jetty", jetty.host(), jetty.port(),
                    "http://" + jetty.host() + ":" + jetty.port() + "/broadcasting/auth", broadcaster);
            assertReceived(json);
        }
    }

    /** Runs notifications.mjs; when it asks, notifies user 42 (as an id) and user 7 (as a record), then marks both. */
    private static JsonNode runScenario(String label, String host, int port, String authEndpoint, Broadcaster broadcaster) {
        Supplier<String> notify = () -> {
            BroadcastReceipt toAnn = join(broadcaster.notify(42L, new InvoicePaid(1001, new BigDecimal("99.50"), "EUR")));
            BroadcastReceipt toBob = join(broadcaster.notify(new User(7, "bob"), new InvoicePaid(2002, new BigDecimal("12.00"), "EUR")));
            broadcaster.on(Channel.privateChannel("App.Models.User.42"), Channel.privateChannel("App.Models.User.7"))
                    .as("marker").sendNow();
            return JSON.createObjectNode().put("type", InvoicePaid.class.getName())
                    .put("event", toAnn.event())
                    .set("channels", JSON.valueToTree(List.of(toAnn.channels().get(0).name(), toBob.channels().get(0).name())))
                    .toString();
        };
        NodeRunner.Result result = NodeRunner.runInteractive(label, "notifications.mjs", Map.of(
                "TARGET_HOST", host,
                "TARGET_PORT", String.valueOf(port),
                "APP_ID", Target.APP_ID,
                "APP_KEY", Target.APP_KEY,
                "APP_SECRET", Target.APP_SECRET,
                "RUN_ID", label + "-" + UUID.randomUUID().toString().substring(0, 8),
                "AUTH_ENDPOINT", authEndpoint), Map.of("notify", notify));
        if (result.exitCode() != 0 || result.json() == null || !result.json().path("ok").asBoolean()) {
            throw new AssertionError("Scenario notifications.mjs failed against " + label + "\n" + result.transcript());
        }
        return result.json();
    }

    /** What Echo's callbacks got, checked again on this side: Laravel's payload, each user their own. */
    private static void assertReceived(JsonNode json) {
        JsonNode toAnn = json.path("ann").path(0);
        assertEquals(1, json.path("ann").size(), json::toString);
        assertEquals(1001, toAnn.path("invoiceId").asLong(), json::toString);
        assertEquals(InvoicePaid.class.getName(), toAnn.path("type").asText(), json::toString);
        assertEquals(toAnn.path("id").asText(), UUID.fromString(toAnn.path("id").asText()).toString(), json::toString);
        assertEquals(1, json.path("bob").size(), json::toString);
        assertEquals(2002, json.path("bob").path(0).path("invoiceId").asLong(), json::toString);
        assertEquals(List.of(Broadcaster.NOTIFICATION_EVENT, "marker"),
                JSON.convertValue(json.path("annWire"), List.class), json::toString);
        assertEquals(Broadcaster.NOTIFICATION_EVENT, json.path("sent").path("event").asText(), "the receipt's event");
        assertEquals(List.of("private-App.Models.User.42", "private-App.Models.User.7"),
                JSON.convertValue(json.path("sent").path("channels"), List.class), "the receipts' channels");
    }

    /**
     * The host application's channel authorization, beside the standalone server as a Laravel
     * application sits beside Reverb: the user is named by {@code X-Test-User}, and may subscribe
     * to their own {@code private-App.Models.User.{id}} only.
     */
    private static HttpServer authEndpoint() throws IOException {
        AuthEndpoint<String> endpoint = AuthEndpoint.builder(Target.APP_KEY, Target.APP_SECRET, JettyTarget.ROUTES).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/broadcasting/auth", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readNBytes(AuthEndpoint.MAX_BODY_BYTES + 1);
                AuthResponse answer = endpoint.handleChannelAuth(exchange.getRequestHeaders().getFirst(JettyTarget.USER_HEADER),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body);
                byte[] json = answer.json().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), json.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(json);
                }
            }
        });
        server.start();
        return server;
    }

    private static BroadcastReceipt join(java.util.concurrent.CompletionStage<BroadcastReceipt> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
