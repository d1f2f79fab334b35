package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The scenarios against {@code java -jar broadcast-server.jar --tls-cert … --tls-key …}: pusher-js,
 * laravel-echo (in Node and in Chromium) and the pusher Node SDK over {@code wss://} and
 * {@code https://}, trusting the test CA of {@link ConformanceTls}.
 */
@DisplayName("Conformance: standalone server jar over TLS (wss, https)")
class StandaloneTlsConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) {
        return StandaloneTarget.overTls(webhookPort);
    }

    /**
     * The certificate files replaced while a pusher-js client is connected (as certbot renews):
     * new connections are served the new certificate without a restart, the open one stays, and
     * an event reaches both (see {@code tls-reload.mjs}).
     */
    @Test
    @Order(60)
    @DisplayName("60. a certificate replaced while clients are connected is served to the next connection, no restart")
    void aReplacedCertificateIsServedToTheNextConnection() {
        String before = ConformanceTls.server().commonName();
        Map<String, Supplier<String>> actions = Map.of("replace-certificate", () -> ConformanceTls.renew().commonName());
        NodeRunner.Result result = NodeRunner.runInteractive(target().name(), "tls-reload.mjs", scenarioEnv(Map.of()), actions);
        assertEquals(0, result.exitCode(), () -> result.transcript() + "\n" + target().diagnostics());
        JsonNode json = result.json();
        assertEquals(before, json.path("before").asText(), json::toString);
        assertEquals(ConformanceTls.server().commonName(), json.path("after").asText(), json::toString);
        assertEquals("[\"" + json.path("after").asText() + "\",\"" + json.path("after").asText() + "\"]",
                json.path("received").toString());
    }
}
