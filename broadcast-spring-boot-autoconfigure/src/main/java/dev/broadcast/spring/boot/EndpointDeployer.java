package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.jakarta.PusherEndpoint;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.web.context.ServletContextAware;

/**
 * Adds the Pusher endpoint to the container's {@link ServerContainer} once every singleton exists.
 * Boot's embedded Tomcat, Jetty and Undertow create their {@code ServerContainer} while the web
 * server starts, after {@code ServletContextInitializer}s ran and before its connectors accept
 * anyone; so the endpoint is in place before the first upgrade. In a mock web environment
 * ({@code @SpringBootTest} without a port) there is no container, and nothing is deployed.
 */
final class EndpointDeployer implements SmartInitializingSingleton, ServletContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointDeployer.class);

    private final ObjectProvider<BroadcastHub> hub;
    private final ObjectProvider<BroadcastProperties> properties;
    private ServletContext servletContext;

    EndpointDeployer(ObjectProvider<BroadcastHub> hub, ObjectProvider<BroadcastProperties> properties) {
        this.hub = hub;
        this.properties = properties;
    }

    @Override
    public void setServletContext(ServletContext servletContext) {
        this.servletContext = servletContext;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (servletContext == null) {
            return;
        }
        String prefix = Paths.prefix("broadcast.path", properties.getObject().getPath());
        Object container = servletContext.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer serverContainer)) {
            if (String.valueOf(servletContext.getServerInfo()).startsWith("MockServletContext")) {
                LOG.debug("A mock servlet context: no WebSocket endpoint deployed at {}/app/{key}", prefix);
                return;
            }
            throw new IllegalStateException("The servlet container (" + servletContext.getServerInfo() + ") has no"
                    + " Jakarta WebSocket support, so the broadcast endpoint cannot be deployed: with Tomcat add"
                    + " org.apache.tomcat.embed:tomcat-embed-websocket (spring-boot-starter-web has it), with Jetty"
                    + " spring-boot-starter-jetty, with Undertow spring-boot-starter-undertow");
        }
        try {
            serverContainer.addEndpoint(PusherEndpoint.config(hub.getObject(), prefix));
        } catch (DeploymentException e) {
            throw new IllegalStateException("Cannot deploy the broadcast endpoint at " + prefix + "/app/{key}", e);
        }
        LOG.info("Broadcasting: WebSocket endpoint at {}/app/{key}, HTTP API at {}/apps/*, health at {}/up", prefix, prefix, prefix);
    }
}
