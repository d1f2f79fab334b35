package dev.broadcast.conformance;

import org.junit.jupiter.api.DisplayName;

/**
 * The scenarios against {@code java -jar broadcast-server.jar --transport tyrus}: the Jakarta
 * endpoint on Tyrus/Grizzly, the portable path, in a child process.
 */
@DisplayName("Conformance: standalone server jar (Jakarta endpoint on Tyrus)")
class StandaloneTyrusConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) {
        return new StandaloneTarget(webhookPort, "tyrus");
    }
}
