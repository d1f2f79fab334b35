package dev.broadcast.benchmarks;

import dev.broadcast.core.App;
import dev.broadcast.server.BroadcastServer;
import dev.broadcast.server.ServerOptions;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A server under test: the standalone broadcast server or the raw Tyrus baseline, either as a child
 * process (CPU and heap measurable by pid) or in-process (smoke test; no CPU or heap figures).
 */
abstract class Target implements AutoCloseable {

    static final String APP_ID = "bench-app";
    static final String APP_KEY = "bench-key";
    static final String APP_SECRET = "bench-secret";

    final String name;
    final String host = "127.0.0.1";
    int port;
    Process process;
    AutoCloseable inProcess;

    Target(String name) {
        this.name = name;
    }

    /** The WebSocket path subscribers connect to. */
    String subscribePath() {
        return "/app/" + APP_KEY + "?protocol=7&client=bench&version=0.1";
    }

    abstract Publisher publisher() throws Exception;

    abstract void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception;

    /** The server's user+system CPU time in nanoseconds, from /proc/pid/stat; empty in-process. */
    OptionalLong cpuNanos() {
        if (process == null) {
            return OptionalLong.empty();
        }
        return cpuNanosOf(process.pid());
    }

    static OptionalLong cpuNanosOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return OptionalLong.of(ticks * (1_000_000_000L / 100)); // CLK_TCK = 100 on Linux
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Used heap in bytes after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}); empty in-process. */
    OptionalLong heapAfterGc() {
        if (process == null) {
            return OptionalLong.empty();
        }
        try {
            String jcmd = System.getProperty("java.home") + "/bin/jcmd";
            String pid = Long.toString(process.pid());
            run(jcmd, pid, "GC.run");
            String info = run(jcmd, pid, "GC.heap_info");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException | InterruptedException e) {
            return OptionalLong.empty();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        return new String(out);
    }

    void startChild(List<String> command, String pinCpu) throws IOException {
        List<String> full = new ArrayList<>();
        if (pinCpu != null) {
            full.addAll(List.of("taskset", "-c", pinCpu)); // taskset execs: the pid stays the server's
        }
        full.addAll(command);
        File log = File.createTempFile("bench-" + name + "-", ".log");
        log.deleteOnExit();
        process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; log: " + Files.readString(log.toPath()));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IOException(name + " did not listen within 30 s; log: " + log);
    }

    static List<String> java(List<String> jvmArgs) {
        List<String> c = new ArrayList<>();
        c.add(System.getProperty("java.home") + "/bin/java");
        c.addAll(jvmArgs);
        return c;
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

    @Override
    public void close() throws Exception {
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

    /** (a)/(b): the standalone broadcast server, i.e. PusherEndpoint (Jakarta) on Tyrus/Grizzly. */
    static final class Server extends Target {
        private final String jar;

        Server(String jar) {
            super("broadcast-server");
            this.jar = jar;
        }

        @Override
        void start(boolean child, List<String> jvmArgs, String pinCpu) throws Exception {
            if (child) {
                if (!new File(jar).isFile()) {
                    throw new IOException("No " + jar + "; build it first (mvn -B -q -pl benchmarks -am package -DskipTests)"
                            + " or pass --server-jar");
                }
                port = freePort();
                List<String> c = java(jvmArgs);
                c.addAll(List.of("-jar", jar, "--host", host, "--port", Integer.toString(port),
                        "--app-id", APP_ID, "--app-key", APP_KEY, "--app-secret", APP_SECRET));
                startChild(c, pinCpu);
            } else {
                BroadcastServer server = BroadcastServer.start(new ServerOptions(host, 0,
                        List.of(App.builder(APP_ID, APP_KEY, APP_SECRET).build()), false));
                port = server.port();
                inProcess = server;
            }
        }

        @Override
        Publisher publisher() {
            return new Publisher.HttpApi(host, port, APP_ID, APP_KEY, APP_SECRET);
        }
    }

    /** (c): the raw Tyrus async broadcast loop. */
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
                startChild(c, pinCpu);
            } else {
                inProcess = TyrusBaseline.start(host, port);
            }
        }

        @Override
        Publisher publisher() throws Exception {
            return new Publisher.RawWebSocket(URI.create("ws://" + host + ":" + port + "/pub"));
        }
    }

    static boolean httpUp(String host, int port) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/up")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
