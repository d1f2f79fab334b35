/**
 * The broadcast engine: the Pusher Channels protocol v7 over any transport, channels and presence,
 * heartbeats, the Pusher HTTP API and webhooks; and the {@link dev.broadcast.Broadcaster} host
 * applications send events with, over drivers for this engine, any Pusher-compatible server, a
 * log or nothing ({@link dev.broadcast.core.Broadcasters}).
 *
 * <p>Exported: the facade ({@code dev.broadcast.core}), what configures it
 * ({@code dev.broadcast.core.config}), what transports plug into ({@code dev.broadcast.core.transport})
 * and what drivers implement ({@code dev.broadcast.core.driver}). Everything under
 * {@code dev.broadcast.core.internal} is not. Nothing here depends on a WebSocket or servlet API.
 */
module dev.broadcast.core {
    requires transitive dev.broadcast;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.slf4j;
    requires java.net.http;

    exports dev.broadcast.core;
    exports dev.broadcast.core.cluster;
    exports dev.broadcast.core.config;
    exports dev.broadcast.core.driver;
    exports dev.broadcast.core.transport;
    exports dev.broadcast.core.watch;
}
