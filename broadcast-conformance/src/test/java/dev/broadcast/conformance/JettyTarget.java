package dev.broadcast.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.cluster.ClusterBus;
import dev.broadcast.core.HubStats;
import dev.broadcast.core.UserData;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.Broadcasting;
import dev.broadcast.jakarta.SocketIdHeader;
import dev.broadcast.jakarta.UserResolver;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The Jakarta adapter inside embedded Jetty 12 (ee10): a hub built in this JVM, installed with
 * {@link Broadcasting#install} from Jetty's Jakarta WebSocket initializer, on an ephemeral
 * loopback port. Beside it, as a host application would have them, the auth endpoints
 * ({@link Broadcasting#installAuth}) with the {@link #ROUTES} below, the user named by the
 * {@value #USER_HEADER} header, and a controller that broadcasts to the others of the
 * {@code X-Socket-ID} it is sent ({@value #TO_OTHERS_PATH}).
 */
final class JettyTarget implements Target {

    /** The request header that names the signed-in user; without it nobody is signed in. */
    static final String USER_HEADER = "X-Test-User";

    /** The master key of encrypted channels, shared with the SDK that triggers on them. */
    static final String ENCRYPTION_MASTER_KEY_BASE64 = Base64.getEncoder().encodeToString(randomBytes(32));

    /**
     * {@code POST} with {@code channel}, {@code event} and {@code text} parameters: triggers
     * {@code {"text":…}} leaving out the connection named by {@code X-Socket-ID}, and answers
     * {@code {"socketId":…,"queued":n}}.
     */
    static final String TO_OTHERS_PATH = "/test/to-others";

    /** The same auth endpoints again, behind a filter that reads the form before them (as CSRF filters do). */
    static final String FILTERED_PREFIX = "/filtered";

    /**
     * Users are plain names. Accounts and vaults ({@code private-account.alice.{run}},
     * {@code private-encrypted-vault.alice.{run}}) are their owner's only; anyone but mallory may
     * join a room, as a member whose info is {@code {"name":"Alice"}}. Notifications
     * ({@code private-App.Models.User.42}) are for the user named by the id only, as in Laravel's
     * default {@code routes/channels.php}.
     */
    static final ChannelRoutes<String> ROUTES = ChannelRoutes.<String>create()
            .channel("account.{owner}.{run}", (user, p) -> user.equals(p.get("owner")))
            .channel("App.Models.User.{id}", (user, p) -> user.equals(p.get("id")))
            .channel("vault.{owner}.{run}", (user, p) -> user.equals(p.get("owner")))
            .presence("room.{room}", (user, p) -> user.equals("mallory")
                    ? Authorization.deny("mallory is banned")
                    : Authorization.member(user, Map.of("name", displayName(user))));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BroadcastHub hub;
    private final Server server;
    private final int port;

    JettyTarget(int webhookPort) throws Exception {
        this(URI.create("http://127.0.0.1:" + webhookPort + "/hooks"), null);
    }

    /** A Jetty node of the cluster joined by {@code bus} (none when null), posting webhooks to {@code webhooks}. */
    JettyTarget(URI webhooks, ClusterBus bus) throws Exception {
        BroadcastHub.Builder builder = BroadcastHub.builder()
                .app(App.builder(APP_ID, APP_KEY, APP_SECRET)
                        .clientEvents(true)
                        .webhook(webhooks)
                        .build())
                // a servlet container does not tell an application that a client dropped a held
                // response until it writes to it: heartbeats every second find a pusher-js client
                // gone over an HTTP transport within the suite's 5 s (the default is 25 s)
                .httpSessions(Duration.ofSeconds(1), Duration.ofSeconds(HTTP_SESSION_TIMEOUT_SECONDS));
        if (bus != null) {
            builder.cluster(bus);
        }
        hub = builder.build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        AuthEndpoint<String> auth = AuthEndpoint.builder(hub.apps().get(0), ROUTES)
                .encryptionMasterKey(ENCRYPTION_MASTER_KEY_BASE64)
                .userData(user -> new UserData(user, Map.of("name", displayName(user))))
                .build();
        UserResolver<String> users = request -> request.getHeader(USER_HEADER);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            Broadcasting.install(servletContext, hub);
            Broadcasting.installAuth(servletContext, auth, users);
            Broadcasting.installAuth(servletContext, auth, users, FILTERED_PREFIX);
            servletContext.addFilter("reads-form-first", (request, response, chain) -> {
                request.getParameter("socket_id");
                chain.doFilter(request, response);
            }).addMappingForUrlPatterns(null, false, FILTERED_PREFIX + "/*");
            servletContext.addServlet("to-others", new ToOthersServlet(hub)).addMapping(TO_OTHERS_PATH);
        });
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        port = connector.getLocalPort();
    }

    /** {@code alice} → {@code Alice}. */
    static String displayName(String user) {
        return Character.toUpperCase(user.charAt(0)) + user.substring(1);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The hub in this JVM, for tests that broadcast with the local driver. */
    BroadcastHub hub() {
        return hub;
    }

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int connections() {
        return hub.stats().connections();
    }

    @Override
    public int channels() {
        return hub.stats().channels();
    }

    @Override
    public Optional<HubStats> hubStats() {
        return Optional.of(hub.stats());
    }

    @Override
    public String diagnostics() {
        return "hub stats: " + hub.stats();
    }

    /** What a host application's controller does with {@link SocketIdHeader}. */
    private static final class ToOthersServlet extends HttpServlet {
        private final transient BroadcastHub hub;

        ToOthersServlet(BroadcastHub hub) {
            this.hub = hub;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String socketId = SocketIdHeader.socketIdOf(request);
            String data = JSON.writeValueAsString(Map.of("text", request.getParameter("text")));
            int queued = hub.trigger(APP_ID, List.of(request.getParameter("channel")), request.getParameter("event"),
                    data, socketId);
            ObjectNode answer = JSON.createObjectNode().put("socketId", socketId).put("queued", queued);
            response.setContentType("application/json");
            response.getWriter().write(JSON.writeValueAsString(answer));
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        } finally {
            hub.close();
        }
    }
}
