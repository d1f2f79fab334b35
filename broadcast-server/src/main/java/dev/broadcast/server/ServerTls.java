package dev.broadcast.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate the standalone server presents ({@code --tls-cert}, {@code --tls-key}): PEM
 * files read at start, and read again when they change, so that a renewed certificate (a Let's
 * Encrypt renewal) is served to the next connection without a restart; connections already open
 * keep the one they shook hands with. A change that does not load (the certificate written and
 * its key not yet) leaves the current certificate in place and is tried again at the next check.
 *
 * <p>TLS 1.3 and 1.2 only, and for 1.2 only forward-secret AEAD suites (ECDHE with AES-GCM or
 * ChaCha20-Poly1305): what every browser and SDK of the last eight years speaks, and nothing with
 * a known weakness (no CBC, RSA key exchange, SHA-1 MACs or TLS 1.0/1.1). This is Mozilla's
 * "intermediate" configuration.
 */
final class ServerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /**
     * The TLS implementation: BoringSSL through netty-tcnative where it loads (the runnable jar
     * packs it for Linux x86_64), else the JDK's; {@code -Dbroadcast.tls.provider=jdk} (or
     * {@code openssl}) chooses, e.g. to measure one against the other.
     */
    static final SslProvider PROVIDER = provider(System.getProperty("broadcast.tls.provider", ""));

    /** How often the files are looked at for a change. */
    static final Duration CHECK_PERIOD = Duration.ofSeconds(2);
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Larger files are no PEM certificate chain or key (a chain of ten certificates is about 20 KB). */
    static final int MAX_PEM_BYTES = 1024 * 1024;
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private final Path certFile;
    private final Path keyFile;
    private final SslProvider provider;
    private volatile SslContext context;
    private volatile String subject;
    /** What the files looked like when last loaded or tried; guarded by this. */
    private String stamp;
    private ScheduledExecutorService checks;

    private ServerTls(Path certFile, Path keyFile, SslProvider provider) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.provider = provider;
    }

    /**
     * Reads the PEM certificate chain at {@code certFile} and the PKCS#8 PEM private key at
     * {@code keyFile}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: missing, not PEM, a key
     *                                  format other than PKCS#8, or a key that is not the
     *                                  certificate's
     */
    static ServerTls load(Path certFile, Path keyFile) {
        return load(certFile, keyFile, PROVIDER);
    }

    /** {@link #load(Path, Path)} with the TLS implementation {@code provider}. */
    static ServerTls load(Path certFile, Path keyFile, SslProvider provider) {
        ServerTls tls = new ServerTls(certFile, keyFile, provider);
        synchronized (tls) {
            tls.stamp = tls.stampNow();
            tls.install(tls.read());
        }
        return tls;
    }

    private static SslProvider provider(String asked) {
        return switch (asked) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> SslProvider.OPENSSL;
            default -> openSslLoads() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    private static boolean openSslLoads() {
        try {
            return io.netty.handler.ssl.OpenSsl.isAvailable();
        } catch (LinkageError noTcnative) { // an application's class path without netty-tcnative-classes
            return false;
        }
    }

    /** Which TLS implementation serves, for the log: {@code BoringSSL …} or {@code JDK}. */
    static String providerName() {
        return PROVIDER == SslProvider.JDK ? "JDK " + System.getProperty("java.version")
                : io.netty.handler.ssl.OpenSsl.versionString();
    }

    /** What new connections shake hands with. */
    SslContext context() {
        return context;
    }

    /** The subject of the certificate served now, for the log. */
    String subject() {
        return subject;
    }

    /** Looks at the files every {@link #CHECK_PERIOD} from now on, until {@link #close}. */
    synchronized void watch() {
        if (checks != null) {
            return;
        }
        checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "broadcast-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long period = CHECK_PERIOD.toMillis();
        checks.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the files again if they changed since they were last looked at; whether the
     * certificate served changed.
     */
    synchronized boolean check() {
        String now = stampNow();
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        try {
            install(read());
        } catch (IllegalArgumentException e) {
            LOG.warn("TLS certificate not reloaded, still serving {}: {}", subject, e.getMessage());
            return false;
        }
        LOG.info("TLS certificate reloaded from {}: now serving {}", certFile, subject);
        return true;
    }

    @Override
    public synchronized void close() {
        if (checks != null) {
            checks.shutdownNow();
        }
    }

    private void install(Loaded loaded) {
        try {
            context = SslContextBuilder.forServer(loaded.key, loaded.chain)
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (IOException e) { // SSLException: the JDK refused the key or chain
            throw new IllegalArgumentException(certFile + ": " + e.getMessage(), e);
        }
        subject = loaded.chain[0].getSubjectX500Principal().getName();
    }

    /** The modification times and sizes of both files (following links), or a note of what is missing. */
    private String stampNow() {
        StringBuilder stamp = new StringBuilder();
        for (Path file : List.of(certFile, keyFile)) {
            try {
                stamp.append(Files.getLastModifiedTime(file).toMillis()).append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                stamp.append("unreadable;");
            }
        }
        return stamp.toString();
    }

    private record Loaded(PrivateKey key, X509Certificate[] chain) {
    }

    private Loaded read() {
        String certText = text(certFile, "certificate");
        if (!certText.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(certFile + " holds no certificate (-----BEGIN CERTIFICATE-----)");
        }
        X509Certificate[] chain;
        try {
            chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(certText.getBytes(StandardCharsets.ISO_8859_1)))
                    .stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(certFile + " is not a PEM certificate (-----BEGIN CERTIFICATE-----): "
                    + e.getMessage(), e);
        }
        if (chain.length == 0) {
            throw new IllegalArgumentException(certFile + " holds no certificate (-----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = privateKey(text(keyFile, "private key"));
        if (!belongs(key, chain[0])) {
            throw new IllegalArgumentException(keyFile + " is not the private key of the certificate in " + certFile
                    + " (" + chain[0].getSubjectX500Principal().getName() + ")");
        }
        return new Loaded(key, chain);
    }

    private static String text(Path file, String what) {
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": not a file (the " + what + ")");
            }
            if (Files.exists(file) && Files.size(file) > MAX_PEM_BYTES) {
                throw new IllegalArgumentException(file + ": over " + MAX_PEM_BYTES + " bytes, too large for the " + what);
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file (the " + what + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the " + what + ": " + e.getMessage(), e);
        }
    }

    private PrivateKey privateKey(String pem) {
        Matcher block = PEM.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException(keyFile + " is not a PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        String type = block.group(1);
        if (!type.equals("PRIVATE KEY")) {
            throw new IllegalArgumentException(keyFile + " holds a " + type + "; the server reads PKCS#8 keys"
                    + " (-----BEGIN PRIVATE KEY-----), as certbot writes them. Convert it with:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out key-pkcs8.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(keyFile + ": the PEM block is not base64", e);
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // next
            }
        }
        throw new IllegalArgumentException(keyFile + ": not an RSA, EC or EdDSA private key");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean belongs(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
