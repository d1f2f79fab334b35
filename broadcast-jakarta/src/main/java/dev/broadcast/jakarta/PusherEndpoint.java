package dev.broadcast.jakarta;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pusher WebSocket endpoint: one instance per connection, feeding a {@link BroadcastHub}.
 * Register {@link #config(BroadcastHub, String)} with any Jakarta WebSocket {@code ServerContainer};
 * in a servlet container {@link Broadcasting#install} does it for you.
 */
public final class PusherEndpoint extends Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(PusherEndpoint.class);
    private static final String ORIGIN = "dev.broadcast.origin";

    private final BroadcastHub hub;
    private volatile Connection connection;

    PusherEndpoint(BroadcastHub hub) {
        this.hub = hub;
    }

    /**
     * The endpoint configuration for {@code {prefix}/app/{key}}; {@code prefix} is empty or
     * starts with {@code /} and does not end with one. Every origin passes the HTTP upgrade; the
     * hub refuses disallowed ones afterwards with 4009.
     */
    public static ServerEndpointConfig config(BroadcastHub hub, String prefix) {
        Objects.requireNonNull(hub, "hub");
        return ServerEndpointConfig.Builder.create(PusherEndpoint.class, checkedPrefix(prefix) + "/app/{key}")
                .configurator(new Configurator(hub))
                .build();
    }

    static String checkedPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        if (!prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must start with / and not end with one: " + prefix);
        }
        return prefix;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String key = session.getPathParameters().get("key");
        List<String> protocol = session.getRequestParameterMap().get("protocol");
        String origin = (String) config.getUserProperties().get(ORIGIN);
        session.setMaxTextMessageBufferSize(hub.maxTransportMessageBytes(key));
        session.setMaxBinaryMessageBufferSize(1024);
        session.setMaxIdleTimeout(0); // liveness is the engine's heartbeat
        Connection opened = hub.connect(
                new ConnectRequest(key, protocol == null || protocol.isEmpty() ? null : protocol.get(0), origin),
                new SessionTransport(session));
        connection = opened;
        if (!opened.isOpen()) {
            return;
        }
        session.addMessageHandler(String.class, new MessageHandler.Whole<String>() {
            @Override
            public void onMessage(String message) {
                opened.receive(message);
            }
        });
        session.addMessageHandler(PongMessage.class, new MessageHandler.Whole<PongMessage>() {
            @Override
            public void onMessage(PongMessage message) {
                opened.touch();
            }
        });
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection current = connection;
        if (current != null) {
            current.closed();
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        LOG.debug("WebSocket error on {}", connection == null ? "?" : connection.socketId(), failure);
    }

    /** Writes through the session's async remote; the engine keeps one write in flight. */
    private record SessionTransport(Session session) implements Transport {

        @Override
        public void send(String frame, SendCallback done) {
            session.getAsyncRemote().sendText(frame, result -> done.completed(result.isOK() ? null : result.getException()));
        }

        @Override
        public void close(int code, String reason) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException | RuntimeException e) {
                LOG.debug("close failed", e);
            }
        }

    }

    /**
     * Accepts every origin at the HTTP level (the engine refuses after the upgrade, see
     * {@link Broadcasting}), remembers the Origin header and creates one endpoint per connection.
     */
    static final class Configurator extends ServerEndpointConfig.Configurator {
        private final BroadcastHub hub;

        Configurator(BroadcastHub hub) {
            this.hub = hub;
        }

        @Override
        public boolean checkOrigin(String originHeaderValue) {
            return true;
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            List<String> origin = request.getHeaders().get("Origin");
            if (origin == null) {
                origin = request.getHeaders().get("origin");
            }
            if (origin != null && !origin.isEmpty()) {
                config.getUserProperties().put(ORIGIN, origin.get(0));
            }
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new PusherEndpoint(hub));
        }
    }
}
