package dev.broadcast.conformance;

import org.junit.jupiter.api.DisplayName;

/**
 * The scenarios through a real nginx in front of the jar, configured as docs/operations.md says,
 * TLS terminated at nginx: pusher-js, laravel-echo (in Node and in Chromium), the pusher SDK and
 * the HTTP fallback transports over {@code wss://} and {@code https://}.
 */
@DisplayName("Conformance: the jar behind nginx (TLS at nginx, the block of docs/operations.md)")
class NginxConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) {
        return new NginxTarget(webhookPort);
    }
}
