package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ApiExchange;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Tyrus on a Grizzly HTTP server that also serves the Pusher HTTP API. Tyrus's own Grizzly
 * container owns its HTTP server and has no place for other handlers, so this one builds the
 * server itself and plugs Tyrus's WebSocket filter in with the same add-on.
 */
final class GrizzlyContainer extends TyrusServerContainer implements ServerTransport {

    private final BroadcastHub hub;
    private final WebSocketEngine engine;
    private HttpServer server;
    private NetworkListener listener;

    GrizzlyContainer(BroadcastHub hub) {
        super((Set<Class<?>>) null);
        this.hub = hub;
        this.engine = TyrusWebSocketEngine.builder(this).build();
    }

    void start(String host, int port, ServerEndpointConfig endpoint) throws IOException {
        server = new HttpServer();
        listener = new NetworkListener("broadcast", host, port);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(webSocketAddOn(this));
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(new ApiHandler(hub), "/");
        try {
            addEndpoint(endpoint);
            super.start("", port); // deploys the endpoint: before the port opens, or upgrades get 404
            server.start();
        } catch (DeploymentException e) {
            server.shutdownNow();
            throw new IOException("Cannot deploy the Pusher endpoint", e);
        }
    }

    @Override
    public int port() {
        return listener.getPort();
    }

    @Override
    public void stopAccepting() {
        if (listener != null && !listener.isPaused()) {
            listener.pause();
        }
    }

    @Override
    public void stop(boolean drainCloses) {
        if (server == null) {
            return;
        }
        if (drainCloses) {
            // close frames are written asynchronously; give them a moment before the sockets go
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.stop();
        server.shutdownNow();
        server = null;
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, "");
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /**
     * Tyrus's add-on class is public and meant for containers like this one (TYRUS-317), but its
     * constructor is package-private.
     */
    private static AddOn webSocketAddOn(ServerContainer container) {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(container, "");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("This Tyrus version has no WebSocketAddOn(ServerContainer, String)", e);
        }
    }

    /** The Pusher HTTP API and {@code /up} on Grizzly. */
    private static final class ApiHandler extends HttpHandler {
        private final BroadcastHub hub;

        ApiHandler(BroadcastHub hub) {
            this.hub = hub;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            hub.serve(ApiExchange.streamed(request.getMethod().getMethodString(), request.getRequestURI(),
                    request.getQueryString(), request.getContentLengthLong(), request.getHeader("Transfer-Encoding"),
                    request::getInputStream, (status, json) -> {
                        response.setStatus(status);
                        response.setHeader("Content-Type", "application/json");
                        response.setContentLength(json.length);
                        response.getOutputStream().write(json);
                    }));
        }
    }
}
