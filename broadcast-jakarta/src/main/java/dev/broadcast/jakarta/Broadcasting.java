package dev.broadcast.jakarta;

import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Set;

/**
 * Mounts a {@link BroadcastHub} into a Jakarta container: the Pusher WebSocket endpoint at
 * {@code {prefix}/app/{key}}, the Pusher HTTP API at {@code {prefix}/apps/*} (plus
 * {@code {prefix}/up} for health checks), and pusher-js's HTTP fallback transports at
 * {@code {prefix}/pusher/*} (pusher-js's {@code httpPath}).
 *
 * <p>In a servlet container, call {@link #install(ServletContext, BroadcastHub, String)} while the
 * context starts (from a {@code ServletContainerInitializer} or a {@code ServletContextListener}).
 * In a plain Jakarta WebSocket container, register {@link PusherEndpoint#config(BroadcastHub, String)}
 * and serve {@link BroadcastHub#handle} over HTTP yourself.
 *
 * <p>{@link #installAuth} adds the host application's auth endpoints ({@code /broadcasting/auth}
 * and {@code /broadcasting/user-auth}), with or without a hub in the same application.
 *
 * <p>Connections are always upgraded; refusals (unknown key 4001, bad protocol 4006/4007,
 * origin not allowed 4009) come as {@code pusher:error} followed by a close with the same code,
 * because pusher-js retries forever when the upgrade itself fails.
 */
public final class Broadcasting {

    private Broadcasting() {
    }

    /** Installs with no path prefix: {@code /app/{key}}, {@code /apps/*}, {@code /up}. */
    public static void install(ServletContext context, BroadcastHub hub) {
        install(context, hub, "");
    }

    /**
     * Installs the WebSocket endpoint and the HTTP API servlet into {@code context}, under
     * {@code prefix} (relative to the context path). Call it while the context starts, from a
     * {@code ServletContainerInitializer}, a {@code ServletContextListener} or Spring Boot's
     * {@code ServletContextInitializer}. When the container's WebSocket support is not ready yet
     * (Spring Boot's embedded Tomcat and Jetty start it after the initializers), the endpoint is
     * deployed once the context is initialized; the container then fails to start if it has no
     * WebSocket support at all.
     *
     * @throws IllegalArgumentException if {@code prefix} is not empty and does not start with
     *                                  {@code /}, or ends with one
     * @throws IllegalStateException    if the context has no Jakarta WebSocket
     *                                  {@link ServerContainer} (now or once initialized), or the
     *                                  endpoint cannot be deployed
     */
    public static void install(ServletContext context, BroadcastHub hub, String prefix) {
        String checked = PusherEndpoint.checkedPrefix(prefix);
        ServerEndpointConfig endpoint = PusherEndpoint.config(hub, checked);
        if (context.getAttribute(ServerContainer.class.getName()) != null) {
            deploy(context, endpoint);
        } else {
            context.addListener(new ServletContextListener() {
                @Override
                public void contextInitialized(ServletContextEvent event) {
                    deploy(event.getServletContext(), endpoint);
                }
            });
        }
        ServletRegistration.Dynamic api = context.addServlet("broadcast-api" + checked.replace('/', '-'), new ApiServlet(hub));
        api.addMapping(checked + "/apps/*", checked + "/up");
        ServletRegistration.Dynamic fallback = context.addServlet("broadcast-http-transports" + checked.replace('/', '-'),
                new FallbackServlet(hub));
        fallback.setAsyncSupported(true);
        fallback.addMapping(checked + "/pusher/*");
    }

    private static void deploy(ServletContext context, ServerEndpointConfig endpoint) {
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer serverContainer)) {
            throw new IllegalStateException("No " + ServerContainer.class.getName()
                    + " in this ServletContext: enable the container's Jakarta WebSocket support first");
        }
        try {
            serverContainer.addEndpoint(endpoint);
        } catch (DeploymentException e) {
            throw new IllegalStateException("Cannot deploy the Pusher endpoint at " + endpoint.getPath(), e);
        }
    }

    /**
     * Installs the host application's auth endpoints at Echo's default paths,
     * {@code /broadcasting/auth} and {@code /broadcasting/user-auth}; see
     * {@link #installAuth(ServletContext, AuthEndpoint, UserResolver, String)}.
     */
    public static <U> void installAuth(ServletContext context, AuthEndpoint<U> endpoint, UserResolver<U> users) {
        installAuth(context, endpoint, users, "");
    }

    /**
     * Installs {@link AuthServlet}s for {@code endpoint} at {@code {prefix}/broadcasting/auth}
     * (channel authorization) and {@code {prefix}/broadcasting/user-auth} (user authentication),
     * relative to the context path; {@code users} tells who sent each request. Point Echo's
     * {@code authEndpoint} and {@code userAuthentication.endpoint} (pusher-js's
     * {@code channelAuthorization.endpoint} and {@code userAuthentication.endpoint}) there. The
     * hub need not run in this application: the endpoint only signs with the app's key and
     * secret. Call it while the context starts, as {@link #install}.
     *
     * @throws IllegalArgumentException if {@code prefix} is not empty and does not start with
     *                                  {@code /}, or ends with one
     * @throws IllegalStateException    if auth endpoints are already installed under
     *                                  {@code prefix}, another servlet has one of the paths, or
     *                                  the context has already started
     */
    public static <U> void installAuth(ServletContext context, AuthEndpoint<U> endpoint, UserResolver<U> users,
            String prefix) {
        String checked = PusherEndpoint.checkedPrefix(prefix);
        String suffix = checked.replace('/', '-');
        map(context, "broadcast-auth" + suffix, AuthServlet.channels(endpoint, users), checked + "/broadcasting/auth");
        map(context, "broadcast-user-auth" + suffix, AuthServlet.users(endpoint, users), checked + "/broadcasting/user-auth");
    }

    private static void map(ServletContext context, String name, Servlet servlet, String path) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        if (registration == null) {
            throw new IllegalStateException("A servlet named " + name + " is already installed: installAuth was called"
                    + " twice with the same prefix");
        }
        Set<String> taken = registration.addMapping(path);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("Cannot map " + name + ": another servlet already has " + taken);
        }
    }
}
