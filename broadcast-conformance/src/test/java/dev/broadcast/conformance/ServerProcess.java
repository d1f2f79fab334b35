package dev.broadcast.conformance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * The standalone server, {@code java -jar broadcast-server.jar}, as a child process on a loopback
 * port. Started with {@link #start}, which returns once {@code GET /up} answers 200; ended only
 * through its own {@link Process} handle.
 */
final class ServerProcess implements AutoCloseable {

    /** The shaded jar {@code mvn package} builds in the sibling module. */
    static final Path JAR = Path.of("..", "broadcast-server", "target", "broadcast-server.jar").toAbsolutePath().normalize();

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;
    private final String host;
    /** Whether it was started with {@code --tls-cert} (the certificate of {@link ConformanceTls}). */
    private final boolean tls;

    private final Thread killOnExit;

    private ServerProcess(Process process, String host, int port, Path log, boolean tls) {
        this.tls = tls;
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
        // should the test JVM end without close() (killed fork, System.exit), take the child with it
        this.killOnExit = new Thread(process::destroyForcibly, "kill-" + log.getFileName());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts the jar with {@code --host 127.0.0.1 --port <free> --app-id/key/secret} of
     * {@link Target} plus {@code extraArgs}; any {@code BROADCAST_*} variable of this JVM's
     * environment is removed so only the flags count.
     */
    static ServerProcess start(String label, List<String> extraArgs) {
        return start(label, extraArgs, Ports.free());
    }

    /** {@link #start(String, List)} on {@code port}. */
    static ServerProcess start(String label, List<String> extraArgs, int port) {
        return start(label, List.of(), extraArgs, port);
    }

    /** {@link #start(String, List, int)} run by {@code launcher}, e.g. {@code prlimit --nofile=512:512}. */
    static ServerProcess start(String label, List<String> launcher, List<String> extraArgs, int port) {
        return start(label, launcher, "127.0.0.1", extraArgs, port);
    }

    /** {@link #start(String, List, List, int)} listening on {@code host} (another loopback address, say). */
    static ServerProcess start(String label, List<String> launcher, String host, List<String> extraArgs, int port) {
        if (!Files.isRegularFile(JAR)) {
            Assertions.fail(JAR + " is missing: build it first with `mvn package` (or `mvn -pl broadcast-server package`)");
        }
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toString(),
                "--host", host,
                "--port", String.valueOf(port),
                "--app-id", Target.APP_ID,
                "--app-key", Target.APP_KEY,
                "--app-secret", Target.APP_SECRET));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(NodeRunner.OUTPUT_DIR);
            Path log = NodeRunner.OUTPUT_DIR.resolve(label + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("BROADCAST_"));
            ServerProcess server = new ServerProcess(builder.start(), host, port, log, extraArgs.contains("--tls-cert"));
            try {
                server.awaitUp();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new AssertionError("Cannot start " + command + ": " + e.getMessage(), e);
        }
    }

    private void awaitUp() {
        // HTTP/1.1 like curl or a load balancer's probe; see ConformanceSuite#httpApiAnswersH2cUpgradeOffers
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1));
        HttpClient http = (tls ? builder.sslContext(ConformanceTls.sslContext()) : builder).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                Assertions.fail("broadcast-server exited with " + process.exitValue() + " before /up answered\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(upUri()).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                // with --reuse-port another server may answer on the port: wait for this one's own word
                if (response.statusCode() == 200 && saysListening()) {
                    return;
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Waits.sleep(100);
        }
        Assertions.fail("broadcast-server did not answer GET /up with 200 within " + START_TIMEOUT.toSeconds()
                + " s (" + last + ")\n" + logTail());
    }

    URI upUri() {
        return URI.create((tls ? "https://" : "http://") + host + ":" + port + "/up");
    }

    int port() {
        return port;
    }

    /** The file the server's output goes to. */
    Path log() {
        return log;
    }

    Process process() {
        return process;
    }

    private boolean saysListening() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("broadcast-server listening on");
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines the server printed. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- " + log.getFileName() + " (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if it is still running after 10 s. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
