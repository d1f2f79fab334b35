package dev.broadcast.conformance;

import dev.broadcast.server.TestCertificates;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * The test CA of the TLS targets, one per test JVM, and the server certificate it issued for
 * {@code 127.0.0.1} and {@code localhost}; files in {@code target/tls}. The clients trust this CA
 * and nothing else of it: Node through {@code NODE_EXTRA_CA_CERTS}, Java through
 * {@link #sslContext()}, Chromium through the certificate's key hash.
 */
final class ConformanceTls {

    private static TestCertificates ca;
    private static TestCertificates.Issued server;

    private ConformanceTls() {
    }

    static synchronized TestCertificates ca() {
        if (ca == null) {
            ca = TestCertificates.authority(Path.of("target", "tls").toAbsolutePath(), "Broadcast Conformance CA");
        }
        return ca;
    }

    /** The certificate and key a TLS target serves. */
    static synchronized TestCertificates.Issued server() {
        if (server == null) {
            server = ca().issue("server", "broadcast.test", "127.0.0.1", "localhost");
        }
        return server;
    }

    /**
     * Replaces the files of {@link #server()} with a new certificate of the same CA, under a new
     * common name, as a renewal does; the new one.
     */
    static synchronized TestCertificates.Issued renew() {
        server = ca().issue("server", "renewed-" + System.nanoTime() + ".broadcast.test", "127.0.0.1", "localhost");
        return server;
    }

    static SSLContext sslContext() {
        return ca().sslContext();
    }
}
