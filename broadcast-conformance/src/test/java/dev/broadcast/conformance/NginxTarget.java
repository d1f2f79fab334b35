package dev.broadcast.conformance;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jar behind a real nginx (Debian's package) that terminates TLS, configured with the block of
 * docs/operations.md: only its listen address, its upstream's port and its certificate paths are
 * replaced by the test's. Clients see {@code wss://} and {@code https://} on nginx's port.
 */
final class NginxTarget implements Target {

    private static final Path DOCS = Path.of("..", "docs", "operations.md");
    private static final String MARKER = "<!-- tested: NginxConformanceTest";

    private final StandaloneTarget server;
    private final Path directory;
    private final int port;
    private final Process nginx;
    private final SignedApi api;

    NginxTarget(int webhookPort) {
        this.server = new StandaloneTarget("behind-nginx", List.of(
                "--client-events", "true",
                "--http-session-timeout", String.valueOf(HTTP_SESSION_TIMEOUT_SECONDS),
                "--webhook-url", "http://127.0.0.1:" + webhookPort + "/hooks"));
        try {
            this.directory = Files.createDirectories(NodeRunner.OUTPUT_DIR.resolve("nginx").toAbsolutePath());
            this.port = Ports.free();
            Path conf = directory.resolve("nginx.conf");
            Files.writeString(conf, configuration(documentedBlock(), server.port(), port, directory));
            this.nginx = new ProcessBuilder(nginxBinary(), "-p", directory.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(directory.resolve("nginx.out").toFile()).start();
        } catch (IOException e) {
            server.close();
            throw new AssertionError("Cannot start nginx: " + e.getMessage(), e);
        }
        this.api = SignedApi.overTls(host(), port);
        awaitListening();
    }

    /** The nginx block of docs/operations.md, the one under its test marker. */
    static String documentedBlock() throws IOException {
        String docs = Files.readString(DOCS, StandardCharsets.UTF_8);
        int marker = docs.indexOf(MARKER);
        if (marker < 0) {
            throw new AssertionError(DOCS + " has no \"" + MARKER + "\" before its nginx block");
        }
        Matcher block = Pattern.compile("```nginx\n(.*?)```", Pattern.DOTALL).matcher(docs);
        if (!block.find(marker)) {
            throw new AssertionError(DOCS + " has no ```nginx block after its test marker");
        }
        return block.group(1);
    }

    /** A whole nginx.conf around the documented block, with the test's addresses and files. */
    static String configuration(String block, int upstreamPort, int listenPort, Path directory) {
        String ours = replaceOnce(block, "server 127.0.0.1:8080;", "server 127.0.0.1:" + upstreamPort + ";");
        ours = replaceOnce(ours, "listen 443 ssl;", "listen 127.0.0.1:" + listenPort + " ssl;");
        ours = replaceOnce(ours, "/etc/letsencrypt/live/ws.example.com/fullchain.pem", ConformanceTls.server().cert().toString());
        ours = replaceOnce(ours, "/etc/letsencrypt/live/ws.example.com/privkey.pem", ConformanceTls.server().key().toString());
        String root = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return root + "worker_processes 1;\n"
                + "pid " + directory.resolve("nginx.pid") + ";\n"
                + "error_log " + directory.resolve("error.log") + " info;\n"
                + "events { worker_connections 4096; }\n"
                + "http {\n"
                + "  access_log " + directory.resolve("access.log") + ";\n"
                + "  client_body_temp_path " + directory.resolve("body") + ";\n"
                + "  proxy_temp_path " + directory.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + directory.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + directory.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + directory.resolve("scgi") + ";\n"
                + ours
                + "}\n";
    }

    private static String replaceOnce(String text, String what, String with) {
        if (!text.contains(what)) {
            throw new AssertionError("the nginx block of docs/operations.md no longer contains \"" + what
                    + "\", which the test replaces with its own");
        }
        return text.replace(what, with);
    }

    private static String nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("nginx is not installed: .ci/run installs Debian's package (apt-get install nginx)");
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                close();
                throw new AssertionError("nginx exited with " + nginx.exitValue() + "\n" + diagnostics());
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                api.getPath("/up");
                return;
            } catch (IOException | AssertionError notYet) {
                Waits.sleep(100);
            }
        }
        close();
        throw new AssertionError("nginx did not answer /up within 15 s\n" + diagnostics());
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean tls() {
        return true;
    }

    @Override
    public int connections() {
        return api.connections();
    }

    @Override
    public int channels() {
        return api.channels();
    }

    @Override
    public String diagnostics() {
        String errors;
        try {
            List<String> lines = Files.readAllLines(directory.resolve("error.log"));
            errors = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            errors = "(no error.log: " + e.getMessage() + ")";
        }
        return "nginx error.log:\n" + errors + "\nserver:\n" + server.diagnostics();
    }

    @Override
    public void close() {
        nginx.destroy();
        try {
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }
}
