package dev.broadcast.conformance;

import org.junit.jupiter.api.DisplayName;

/** The scenarios against the Jakarta adapter in embedded Jetty 12 (ee10), in this JVM. */
@DisplayName("Conformance: Jakarta adapter in Jetty 12 ee10")
class JettyConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) throws Exception {
        return new JettyTarget(webhookPort);
    }
}
