package dev.broadcast.conformance;

import dev.broadcast.core.App;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.HubStats;
import dev.broadcast.jakarta.Broadcasting;
import java.net.URI;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The Jakarta adapter inside embedded Jetty 12 (ee10): a hub built in this JVM, installed with
 * {@link Broadcasting#install} from Jetty's Jakarta WebSocket initializer, on an ephemeral
 * loopback port.
 */
final class JettyTarget implements Target {

    private final BroadcastHub hub;
    private final Server server;
    private final int port;

    JettyTarget(int webhookPort) throws Exception {
        hub = BroadcastHub.builder()
                .app(App.builder(APP_ID, APP_KEY, APP_SECRET)
                        .clientEvents(true)
                        .webhook(URI.create("http://127.0.0.1:" + webhookPort + "/hooks"))
                        .build())
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> Broadcasting.install(servletContext, hub));
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        port = connector.getLocalPort();
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
