package dev.broadcast.samples.quickstart;

import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.UserData;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.Broadcasting;
import dev.broadcast.jakarta.SocketIdHeader;
import dev.broadcast.samples.quickstart.Events.Task;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The quick start: an agent dashboard on embedded Jetty. Browsers connect to {@code /app/app-key},
 * authorize private and presence channels at {@code /broadcasting/auth}, and the backend
 * broadcasts through the hub in the same JVM. {@code java … QuickstartApp} serves it on port 8080;
 * open {@code http://localhost:8080/?user=1}.
 *
 * <p>Users are taken from an {@code X-User} header to keep the sample small; a real application
 * resolves them from its session.
 */
public final class QuickstartApp implements AutoCloseable {

    static final Map<Long, User> USERS = Map.of(
            1L, new User(1, "Ann", Set.of(7L)),
            2L, new User(2, "Bob", Set.of(7L)),
            3L, new User(3, "Eve", Set.of(8L)));
    static final Task TASK = new Task(42, 7, "Fix the flaky test", "queued");

    private final BroadcastHub hub;
    private final DispatchingBroadcaster broadcaster;
    private final Server server;
    private final ServerConnector connector;

    private QuickstartApp(int port) throws Exception {
        // tag::wiring[]
        hub = BroadcastHub.builder()
                .app(App.builder("app-id", "app-key", "app-secret").build())
                .build();
        broadcaster = Broadcasters.local(hub, "app-id");
        DashboardService dashboard = new DashboardService(broadcaster);

        ChannelRoutes<User> routes = DashboardRoutes.create(taskId -> TASK.projectId());
        AuthEndpoint<User> auth = AuthEndpoint.builder("app-key", "app-secret", routes)
                .userData(user -> new UserData(String.valueOf(user.id()), Map.of("name", user.name())))
                .build();

        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            Broadcasting.install(servletContext, hub);                         // /app/{key}, /apps/*, /up
            Broadcasting.installAuth(servletContext, auth, QuickstartApp::user); // /broadcasting/auth, /user-auth
        });
        // end::wiring[]
        context.addServlet(new ServletHolder(new Api(dashboard)), "/api/*");
        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource("public/"));
        context.addServlet(DefaultServlet.class, "/");

        server = new Server();
        connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
    }

    /** Starts the app on {@code port} (0 for any free one). */
    public static QuickstartApp start(int port) throws Exception {
        return new QuickstartApp(port);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public BroadcastHub hub() {
        return hub;
    }

    @Override
    public void close() throws Exception {
        broadcaster.close();
        hub.close();
        server.stop();
    }

    static User user(HttpServletRequest request) {
        String id = request.getHeader("X-User");
        try {
            return id == null ? null : USERS.get(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code POST /api/tasks/42/run} runs the demo agent; {@code POST /api/projects/7/spec} edits the spec. */
    private static final class Api extends HttpServlet {
        private final transient DashboardService dashboard;

        Api(DashboardService dashboard) {
            this.dashboard = dashboard;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            User user = user(request);
            if (user == null) {
                response.setStatus(401);
                return;
            }
            switch (request.getPathInfo()) {
                case "/tasks/42/run" -> {
                    dashboard.start(TASK);
                    dashboard.output(TASK.id(), "npm test");
                    dashboard.terminal(TASK.id(), "PASS  src/flaky.test.js");
                    dashboard.commit(TASK, "9fceb02", "Fix the flaky test");
                    dashboard.finish(TASK);
                }
                // tag::to-others[]
                case "/projects/7/spec" -> dashboard.editSpec(7, "v2", user, SocketIdHeader.socketIdOf(request));
                // end::to-others[]
                default -> {
                    response.setStatus(404);
                    return;
                }
            }
            response.setStatus(204);
        }
    }

    public static void main(String[] args) throws Exception {
        QuickstartApp app = start(8080);
        System.out.println("Agent dashboard on http://localhost:" + app.port() + "/?user=1");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        Thread.currentThread().join();
    }
}
