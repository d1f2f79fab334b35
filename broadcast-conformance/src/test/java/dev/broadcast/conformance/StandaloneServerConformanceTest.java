package dev.broadcast.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scenarios against {@code java -jar broadcast-server.jar} (its default Netty transport) in a child process. */
@DisplayName("Conformance: standalone server jar (Netty)")
class StandaloneServerConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) {
        return new StandaloneTarget(webhookPort, "netty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xhr_streaming", "xhr_polling"})
    @Order(50)
    @DisplayName("50. pusher-js over its HTTP transports: connects, 400 KB of events in order, whispers with a WebSocket client")
    void pusherJsOverHttpTransports(String transport) {
        pusherJsOverHttpTransport(transport);
    }

    @org.junit.jupiter.api.Test
    @Order(51)
    @DisplayName("51. laravel-echo in headless Chromium, WebSockets unavailable: falls back to HTTP by itself; screenshot")
    void echoInChromiumFallsBackToHttp() {
        echoInChromiumWithoutWebSockets();
    }
}
