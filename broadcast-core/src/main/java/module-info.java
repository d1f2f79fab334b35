/**
 * The broadcast engine: the Pusher Channels protocol v7 over any transport, channels and presence,
 * heartbeats, the Pusher HTTP API and webhooks; and the {@link dev.broadcast.Broadcaster} host
 * applications send events with, over drivers for this engine, any Pusher-compatible server, a
 * log or nothing ({@link dev.broadcast.core.Broadcasters}). Transports plug in through
 * {@link dev.broadcast.core.Transport}; nothing here depends on a WebSocket or servlet API.
 */
module dev.broadcast.core {
    requires transitive dev.broadcast;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.slf4j;
    requires java.net.http;

    exports dev.broadcast.core;
}
