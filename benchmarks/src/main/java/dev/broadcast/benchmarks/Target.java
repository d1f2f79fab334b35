package dev.broadcast.benchmarks;

import dev.broadcast.server.BroadcastServer;
import dev.broadcast.server.ServerOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, either as a child process (CPU, heap and threads measurable by pid) or
 * in-process (smoke test; no CPU, heap or thread figures):
 *
 * <ul>
 *   <li>{@code server}: the standalone server jar with its default transport;</li>
 *   <li>{@code jakarta}: the same jar with {@code --transport tyrus}, i.e. the library's portable
 *       {@code dev.broadcast.jakarta.PusherEndpoint} on Tyrus/Grizzly;</li>
 *   <li>{@code server+metrics}: the same server and options with its Micrometer meters bound to a
 *       Prometheus registry scraped every second ({@link MeteredServer}), from this jar's class path;</li>
 *   <li>{@code baseline}: the raw Tyrus {@code sendText} loop ({@link TyrusBaseline}).</li>
 * </ul>
 */
abstract class Target implements AutoCloseable {

    static final String APP_ID = "bench-app";
    static final String APP_KEY = "bench-key";
    static final String APP_SECRET = "bench-secret";

    /** A target this build or jar cannot run (yet); the run goes on without it. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    final String name;
    final String host = "127.0.0.1";
    int port;
    Process process;
    AutoCloseable inProcess;
    File log;
    /** In-process command handler of targets driven by one-line commands (S3's server, GEN's blaster). */
    java.util.function.Function<String, String> handler;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private PrintWriter commands;

    Target(String name) {
        this.name = name;
    }

    /**
     * {@code server}, {@code jakarta}, {@code server+metrics} or {@code baseline}; or {@code server@JAR}: the server target
     * on another build's jar, to compare two builds in one run. {@code --server-args} go to every
     * server.
     */
    static Target of(String spec, Run.Options o) {
        if (spec.startsWith("server@")) {
            return new Server(spec, spec.substring("server@".length()), o.serverArgs);
        }
        return switch (spec) {
            case "server" -> new Server("broadcast-server", o.serverJar, o.serverArgs);
            case "jakarta" -> new Server("jakarta-tyrus", o.serverJar, concat(List.of("--transport", "tyrus"), o.serverArgs));
            case "server+metrics" -> new Metered(o.serverArgs);
            case "baseline" -> new Baseline();
            default -> throw new IllegalArgumentException("Unknown target " + spec
                    + "; known: server, jakarta, server+metrics, baseline");
        };
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The WebSocket path subscribers connect to. */
    String subscribePath() {
        return "/app/" + APP_KEY + "?protocol=7&client=bench&version=0.1";
    }

    abstract Publisher publisher() throws Exception;

    /** Whether the target has the Pusher HTTP API (the baseline has not). */
    boolean hasHttpApi() {
        return false;
    }

    /** The server's own count of open connections, where it has one. */
    OptionalInt serverConnections() {
        return OptionalInt.empty();
    }

    abstract void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception;

    boolean isChild() {
        return process != null;
    }

    OptionalLong cpuNanos() {
        return process == null ? OptionalLong.empty() : Sys.cpuNanos(process.pid());
    }

    OptionalLong heapAfterGc() {
        return process == null ? OptionalLong.empty() : Sys.heapUsed(process.pid(), true);
    }

    OptionalLong rss() {
        return process == null ? OptionalLong.empty() : Sys.rssBytes(process.pid());
    }

    OptionalLong threadCount() {
        return process == null ? OptionalLong.empty() : Sys.threadCount(process.pid());
    }

    List<String> threadNames() {
        return process == null ? List.of() : Sys.threadNames(process.pid());
    }

    /** Back-compat helper for callers that want this JVM's CPU. */
    static OptionalLong cpuNanosOf(long pid) {
        return Sys.cpuNanos(pid);
    }

    void startChild(List<String> command, String pinCpu, boolean pipeOutput) throws IOException {
        List<String> full = new ArrayList<>();
        if (pinCpu != null) {
            full.addAll(List.of("taskset", "-c", pinCpu)); // taskset execs: the pid stays the server's
        }
        full.addAll(command);
        log = File.createTempFile("bench-" + name + "-", ".log");
        log.deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        if (!pipeOutput) {
            builder.redirectOutput(log);
        }
        process = builder.start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        if (pipeOutput) {
            pumpOutput();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                sleep(200);
                throw new IOException(name + " exited with " + process.exitValue() + "; log: " + Files.readString(log.toPath()));
            }
            if (upgrades()) {
                return;
            }
            sleep(50);
        }
        throw new IOException(name + " did not accept a WebSocket upgrade within 30 s; log: " + log);
    }

    /**
     * Whether a WebSocket upgrade to {@link #subscribePath()} answers 101. Listening is not enough:
     * the broadcast server's HTTP listener starts before its WebSocket endpoint is registered, and
     * upgrades in between get 404.
     */
    boolean upgrades() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET " + subscribePath() + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] status = new byte[12];
            int n = 0;
            while (n < status.length) {
                int r = s.getInputStream().read(status, n, status.length - n);
                if (r < 0) {
                    return false;
                }
                n += r;
            }
            return new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 101");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** In-process targets: wait for the same readiness as children. */
    void awaitUpgrades() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!upgrades()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not accept a WebSocket upgrade within 30 s");
            }
            sleep(50);
        }
    }

    /** Copies a piped child's output to its log and to the reply queue {@link #command} reads. */
    private void pumpOutput() {
        Process p = process;
        commands = new PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII), true);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 OutputStream copy = new java.io.FileOutputStream(log)) {
                String line;
                while ((line = r.readLine()) != null) {
                    copy.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    copy.flush();
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Sends one command line to a target driven by commands and returns the reply: the line that
     * starts with the command's first word.
     */
    String command(String line, long timeoutSeconds) throws Exception {
        if (handler != null) {
            return handler.apply(line);
        }
        if (commands == null) {
            throw new IllegalStateException(name + " takes no commands");
        }
        String word = line.split(" ")[0];
        commands.println(line);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String reply = lines.poll(100, TimeUnit.MILLISECONDS);
            if (reply != null && reply.startsWith(word + " ")) {
                return reply;
            }
            if (reply == null && !process.isAlive()) {
                break;
            }
        }
        throw new IOException(name + ": no reply to '" + line + "' within " + timeoutSeconds + " s; log: " + log);
    }

    static List<String> java(List<String> jvmArgs) {
        List<String> c = new ArrayList<>();
        c.add(System.getProperty("java.home") + "/bin/java");
        c.addAll(jvmArgs);
        return c;
    }

    static List<String> appArgs(String host, int port) {
        return List.of("--host", host, "--port", Integer.toString(port),
                "--app-id", APP_ID, "--app-key", APP_KEY, "--app-secret", APP_SECRET);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The server options for a server run from this jar's class path: the app, the host, a free
     * port for a child (0 in-process), then {@code extraArgs}; checked here first, since this JVM
     * carries the same server classes as the child.
     */
    List<String> checkedServerArgs(boolean child, List<String> extraArgs) throws IOException, Unsupported {
        List<String> args = new ArrayList<>(appArgs(host, child ? freePort() : 0));
        args.addAll(extraArgs);
        parseOptions(name, args, extraArgs);
        return args;
    }

    /** Starts {@code main} with {@code args} as a child JVM on this jar's class path, on the port in {@code args}. */
    void startFromClassPath(Class<?> main, List<String> args, List<String> jvmArgs, String pinCpu, boolean pipeOutput)
            throws IOException {
        port = Integer.parseInt(args.get(3));
        List<String> c = java(jvmArgs);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        c.addAll(args);
        startChild(c, pinCpu, pipeOutput);
    }

    /** Parses server options in this JVM; a flag this build does not know makes the target unsupported. */
    static ServerOptions parseOptions(String name, List<String> args, List<String> extraArgs) throws Unsupported {
        try {
            return ServerOptions.parse(args.toArray(String[]::new), Map.of());
        } catch (IllegalArgumentException e) {
            String why = e.getMessage().split(";")[0];
            throw new Unsupported(name + " skipped: the server classes in this build reject " + String.join(" ", extraArgs)
                    + " (" + why + "); it runs once the server has that option");
        }
    }

    @Override
    public void close() throws Exception {
        if (commands != null) {
            commands.println("quit");
        }
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (inProcess != null) {
            inProcess.close();
        }
    }

    /** The standalone broadcast server jar, with its default transport or with extra flags (jakarta). */
    static class Server extends Target {
        private static final Map<String, String> HELP = new ConcurrentHashMap<>();
        private final String jar;
        final List<String> extraArgs;

        Server(String name, String jar, List<String> extraArgs) {
            super(name);
            this.jar = jar;
            this.extraArgs = extraArgs;
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            if (child) {
                if (!new File(jar).isFile()) {
                    throw new IOException("No " + jar + "; build it first (mvn -B -q -pl benchmarks -am package -DskipTests)"
                            + " or pass --server-jar");
                }
                checkJarAccepts(jvmArgs);
                port = freePort();
                List<String> c = java(jvmArgs);
                c.addAll(List.of("-jar", jar));
                c.addAll(appArgs(host, port));
                c.addAll(extraArgs);
                startChild(c, pinCpu, false);
            } else {
                List<String> args = new ArrayList<>(appArgs(host, 0));
                args.addAll(extraArgs);
                BroadcastServer server = BroadcastServer.start(parseOptions(name, args, extraArgs));
                port = server.port();
                inProcess = server;
                awaitUpgrades();
            }
        }

        /** Extra flags must appear in the jar's --help, or the target is skipped with a message. */
        private void checkJarAccepts(List<String> jvmArgs) throws Exception {
            if (extraArgs.isEmpty()) {
                return;
            }
            String help = HELP.computeIfAbsent(jar, j -> {
                try {
                    List<String> c = java(List.of());
                    c.addAll(List.of("-jar", j, "--help"));
                    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor(30, TimeUnit.SECONDS);
                    return out;
                } catch (IOException | InterruptedException e) {
                    return "";
                }
            });
            for (String arg : extraArgs) {
                if (arg.startsWith("--") && !help.contains(arg)) {
                    throw new Unsupported(name + " skipped: " + jar + " has no " + arg + " option yet (not in its --help);"
                            + " it runs once the server jar has it");
                }
            }
        }

        @Override
        Publisher publisher() {
            return new Publisher.HttpApi(host, port, APP_ID, APP_KEY, APP_SECRET);
        }

        @Override
        boolean hasHttpApi() {
            return true;
        }

        @Override
        OptionalInt serverConnections() {
            try (Publisher.HttpApi api = new Publisher.HttpApi(host, port, APP_ID, APP_KEY, APP_SECRET)) {
                return api.connections();
            }
        }
    }

    /**
     * {@link MeteredServer}: the server with the same options, started from this jar's class path
     * (like the baseline) with its meters bound and scraped once a second.
     */
    static final class Metered extends Server {
        Metered(List<String> extraArgs) {
            super("broadcast-server+metrics", null, extraArgs);
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            List<String> args = checkedServerArgs(child, extraArgs);
            if (child) {
                startFromClassPath(MeteredServer.class, args, jvmArgs, pinCpu, false);
            } else {
                MeteredServer server = MeteredServer.start(args.toArray(String[]::new));
                port = server.port();
                inProcess = server;
                awaitUpgrades();
            }
        }
    }

    /** The raw Tyrus async broadcast loop. */
    static final class Baseline extends Target {
        Baseline() {
            super("tyrus-baseline");
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            port = freePort();
            if (child) {
                List<String> c = java(jvmArgs);
                c.addAll(List.of("-cp", System.getProperty("java.class.path"), TyrusBaseline.class.getName(),
                        "--host", host, "--port", Integer.toString(port)));
                startChild(c, pinCpu, false);
            } else {
                inProcess = TyrusBaseline.start(host, port);
                awaitUpgrades();
            }
        }

        @Override
        Publisher publisher() throws Exception {
            return new Publisher.RawWebSocket(URI.create("ws://" + host + ":" + port + "/pub"));
        }
    }

    /**
     * S3's server: {@link ThrottledStreamServer} (the broadcast server plus a producer writing into an
     * output buffer), controlled by one-line commands over its stdin/stdout, or in-process.
     */
    static final class Stream extends Target {
        private final List<String> extraArgs;
        private ThrottledStreamServer local;

        Stream(String name, List<String> extraArgs) {
            super(name);
            this.extraArgs = extraArgs;
        }

        /** {@code server} or {@code jakarta}. */
        static Stream of(String spec, List<String> serverArgs) {
            return switch (spec) {
                case "server" -> new Stream("broadcast-server", serverArgs);
                case "jakarta" -> new Stream("jakarta-tyrus", concat(List.of("--transport", "tyrus"), serverArgs));
                default -> throw new IllegalArgumentException("S3 runs on server and jakarta only, not " + spec);
            };
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            List<String> args = checkedServerArgs(child, extraArgs);
            if (child) {
                startFromClassPath(ThrottledStreamServer.class, args, jvmArgs, pinCpu, true);
            } else {
                local = ThrottledStreamServer.start(args.toArray(String[]::new));
                port = local.port();
                inProcess = local;
                handler = local::handle;
                awaitUpgrades();
            }
        }

        @Override
        Publisher publisher() {
            return new Publisher.HttpApi(host, port, APP_ID, APP_KEY, APP_SECRET);
        }

        @Override
        boolean hasHttpApi() {
            return true;
        }

    }

    /** GEN's feeder: {@link FrameBlaster} in a child JVM (its own open-file budget) or in-process. */
    static final class Blaster extends Target {
        private final int payload;

        Blaster(int payload) {
            super("frame-blaster");
            this.payload = payload;
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            if (child) {
                port = freePort();
                List<String> c = java(jvmArgs);
                c.addAll(List.of("-cp", System.getProperty("java.class.path"), FrameBlaster.class.getName(),
                        "--host", host, "--port", Integer.toString(port), "--payload", Integer.toString(payload)));
                startChild(c, pinCpu, true);
            } else {
                FrameBlaster blaster = new FrameBlaster(host, 0, payload);
                port = blaster.port();
                inProcess = blaster;
                handler = blaster::handle;
            }
        }

        @Override
        Publisher publisher() {
            throw new UnsupportedOperationException("the blaster publishes by itself");
        }
    }
}
