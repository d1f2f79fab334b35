package dev.broadcast.conformance;

import dev.broadcast.core.HubStats;
import java.util.Optional;

/**
 * A running server the real clients are pointed at: where it listens, the app it hosts, and what
 * it holds right now (to check that scenarios leave nothing behind).
 */
interface Target extends AutoCloseable {

    String APP_ID = "conformance-app";
    String APP_KEY = "conformance-key";
    String APP_SECRET = "conformance-secret";
    /**
     * How long every target keeps an HTTP transport session with no request from its client:
     * short, so that a vanished client's leaving is seen within a scenario (the default is 60 s).
     */
    int HTTP_SESSION_TIMEOUT_SECONDS = 3;

    /** A short name for logs and file names: {@code server} or {@code jetty}. */
    String name();

    String host();

    int port();

    /** Whether it speaks only {@code wss://} and {@code https://}, with the certificate of {@link ConformanceTls}. */
    default boolean tls() {
        return false;
    }

    /** Open connections, as the target itself counts them. */
    int connections();

    /** Occupied channels, as the target itself counts them. */
    int channels();

    /** The in-process hub's stats, when the target runs in this JVM. */
    default Optional<HubStats> hubStats() {
        return Optional.empty();
    }

    /** What to show next to a failure: e.g. the end of the server's log. */
    default String diagnostics() {
        return "";
    }

    @Override
    void close();
}
