package dev.broadcast.jakarta;

import dev.broadcast.core.BroadcastHub;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

/**
 * Mounts a {@link BroadcastHub} into a Jakarta container: the Pusher WebSocket endpoint at
 * {@code {prefix}/app/{key}} and the Pusher HTTP API at {@code {prefix}/apps/*} (plus
 * {@code {prefix}/up} for health checks).
 *
 * <p>In a servlet container, call {@link #install(ServletContext, BroadcastHub, String)} while the
 * context starts (from a {@code ServletContainerInitializer} or a {@code ServletContextListener}).
 * In a plain Jakarta WebSocket container, register {@link PusherEndpoint#config(BroadcastHub, String)}
 * and serve {@link BroadcastHub#handle} over HTTP yourself.
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
     * {@code prefix} (relative to the context path).
     *
     * @throws IllegalStateException if the context has no Jakarta WebSocket {@link ServerContainer}
     *                               or the endpoint cannot be deployed
     */
    public static void install(ServletContext context, BroadcastHub hub, String prefix) {
        String checked = PusherEndpoint.checkedPrefix(prefix);
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer serverContainer)) {
            throw new IllegalStateException("No " + ServerContainer.class.getName()
                    + " in this ServletContext: enable the container's Jakarta WebSocket support first");
        }
        try {
            serverContainer.addEndpoint(PusherEndpoint.config(hub, checked));
        } catch (DeploymentException e) {
            throw new IllegalStateException("Cannot deploy the Pusher endpoint at " + checked + "/app/{key}", e);
        }
        ServletRegistration.Dynamic api = context.addServlet("broadcast-api" + checked.replace('/', '-'), new ApiServlet(hub));
        api.addMapping(checked + "/apps/*", checked + "/up");
    }
}
