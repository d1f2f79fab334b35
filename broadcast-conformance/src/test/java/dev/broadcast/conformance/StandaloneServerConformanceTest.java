package dev.broadcast.conformance;

import org.junit.jupiter.api.DisplayName;

/** The scenarios against {@code java -jar broadcast-server.jar} (its default Netty transport) in a child process. */
@DisplayName("Conformance: standalone server jar (Netty)")
class StandaloneServerConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) {
        return new StandaloneTarget(webhookPort, "netty");
    }
}
