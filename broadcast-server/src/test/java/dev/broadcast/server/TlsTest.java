package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import io.netty.handler.ssl.SslProvider;

/**
 * {@code --tls-cert} and {@code --tls-key}: the server speaks only TLS on its port, with the
 * certificate of the files, read again when they change; bad files are refused by name at start.
 */
class TlsTest {

    @TempDir
    Path directory;
    private TestCertificates ca;
    private TestCertificates.Issued first;
    private BroadcastServer server;

    @BeforeEach
    void certificates() {
        ca = TestCertificates.authority(directory, "Broadcast Test CA");
        first = ca.issue("server", "first.test", "localhost", "127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private BroadcastServer start() throws IOException {
        server = BroadcastServer.start(ServerOptions.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
                "--tls-cert", first.cert().toString(), "--tls-key", first.key().toString()}, Map.of()));
        return server;
    }

    @Test
    void httpsAndWssAreServedWithTheCertificateAndPlainHttpIsNot() throws Exception {
        start();
        HttpClient client = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/up"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, up.statusCode());
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket socket = webSocket(client, messages);
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("pusher:connection_established"));
        socket.abort();
        assertEquals("CN=first.test", servedSubject());
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/up")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()), "plain HTTP on the TLS port");
    }

    @Test
    void aReplacedCertificateIsServedToTheNextConnectionAndOpenOnesStay() throws Exception {
        start();
        HttpClient client = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket open = webSocket(client, messages);
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("pusher:connection_established"));

        ca.issue("server", "second.test", "localhost", "127.0.0.1"); // over the same files, as certbot renews
        assertEquals("CN=second.test", awaitSubject("CN=second.test"));

        open.sendText("{\"event\":\"pusher:ping\",\"data\":{}}", true);
        assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("pusher:pong"), "the connection opened before still works");
        open.abort();
    }

    @Test
    void aChangeThatDoesNotLoadLeavesTheCertificateServed() throws Exception {
        start();
        Files.writeString(first.key(), "not a key");
        Thread.sleep(ServerTls.CHECK_PERIOD.toMillis() * 2);
        assertEquals("CN=first.test", servedSubject());
        ca.issue("server", "third.test", "localhost", "127.0.0.1");
        assertEquals("CN=third.test", awaitSubject("CN=third.test"), "the next good change is taken");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void onlyTls12And13WithForwardSecretAeadSuitesAreSpokenByEitherImplementation(SslProvider provider) throws Exception {
        dev.broadcast.core.BroadcastHub hub = EdgesTest.hub();
        NettyServer netty = new NettyServer(hub, 1);
        netty.tls(ServerTls.load(first.cert(), first.key(), provider));
        netty.start("127.0.0.1", 0);
        try {
            try (SSLSocket cbc = socket(netty.port())) {
                cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
                cbc.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
                assertThrows(SSLHandshakeException.class, cbc::startHandshake, "a CBC suite");
            }
            try (SSLSocket tls12 = socket(netty.port())) {
                tls12.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls12.startHandshake();
                String suite = tls12.getSession().getCipherSuite();
                assertTrue(ServerTls.CIPHERS.contains(suite) && suite.startsWith("TLS_ECDHE_"), suite);
            }
            try (SSLSocket tls13 = socket(netty.port())) {
                tls13.startHandshake();
                assertEquals("TLSv1.3", tls13.getSession().getProtocol());
            }
        } finally {
            netty.stop(false);
            hub.close();
        }
    }

    @Test
    void badFilesAreRefusedByNameAtStart() throws IOException {
        assertRefused("--tls-cert needs --tls-key", "--tls-cert", first.cert().toString());
        assertRefused("--tls-key needs --tls-cert", "--tls-key", first.key().toString());
        assertRefused("--tls-cert needs the netty transport", "--tls-cert", first.cert().toString(),
                "--tls-key", first.key().toString(), "--transport", "tyrus");
        assertRefused("--tls-cert/--tls-key: " + directory.resolve("missing.pem") + ": no such file (the certificate)",
                "--tls-cert", directory.resolve("missing.pem").toString(), "--tls-key", first.key().toString());
        assertRefused("--tls-cert/--tls-key: " + first.key() + " holds no certificate",
                "--tls-cert", first.key().toString(), "--tls-key", first.key().toString());
        assertRefused("--tls-cert is not a file path: Nul character not allowed", "--tls-cert", "a\0b", "--tls-key", "k");
        assertRefused("--tls-cert/--tls-key: /dev/zero: not a file (the certificate)",
                "--tls-cert", "/dev/zero", "--tls-key", first.key().toString());
        String chain = Files.readString(first.cert());
        Path atLimit = directory.resolve("at-limit.pem");
        Files.writeString(atLimit, chain + "\n".repeat(ServerTls.MAX_PEM_BYTES - chain.length()));
        ServerOptions.parse(new String[] {"--tls-cert", atLimit.toString(), "--tls-key", first.key().toString()}, Map.of());
        Path pastLimit = directory.resolve("past-limit.pem");
        Files.writeString(pastLimit, chain + "\n".repeat(ServerTls.MAX_PEM_BYTES - chain.length() + 1));
        assertRefused("--tls-cert/--tls-key: " + pastLimit + ": over 1048576 bytes, too large for the certificate",
                "--tls-cert", pastLimit.toString(), "--tls-key", first.key().toString());
        TestCertificates.Issued other = ca.issue("other", "other.test", "localhost");
        assertRefused("--tls-cert/--tls-key: " + other.key() + " is not the private key of the certificate in " + first.cert(),
                "--tls-cert", first.cert().toString(), "--tls-key", other.key().toString());
        Path sec1 = directory.resolve("ec.pem");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse(
                new String[] {"--tls-cert", first.cert().toString(), "--tls-key", sec1.toString()}, Map.of()));
        assertTrue(refused.getMessage().contains("holds a EC PRIVATE KEY; the server reads PKCS#8 keys")
                && refused.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + sec1), refused.getMessage());
    }

    private void assertRefused(String start, String... args) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(args, Map.of()));
        assertTrue(refused.getMessage().startsWith(start), refused.getMessage());
    }

    private WebSocket webSocket(HttpClient client, LinkedBlockingQueue<String> messages) {
        return client.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + server.port() + "/app/app-key?protocol=7"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        messages.add(data.toString());
                        webSocket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).join();
    }

    private SSLSocket socket() throws IOException {
        return socket(server.port());
    }

    private SSLSocket socket(int port) throws IOException {
        SSLSocket socket = (SSLSocket) ca.sslContext().getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** The subject of the certificate a new connection is served. */
    private String servedSubject() throws IOException {
        try (SSLSocket socket = socket()) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** Connects until a new connection is served {@code subject}, for at most five check periods; the last one served. */
    private String awaitSubject(String subject) throws Exception {
        long deadline = System.nanoTime() + ServerTls.CHECK_PERIOD.toNanos() * 5;
        String served = servedSubject();
        while (!served.equals(subject) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            served = servedSubject();
        }
        return served;
    }
}
