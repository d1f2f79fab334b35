package dev.broadcast.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it when missing) on an
 * ephemeral loopback port, without persistence, for tests. Can be killed with SIGKILL and started
 * again, empty, on the same port.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final List<String> extraArgs;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.dir = Files.createTempDirectory("redis-test");
    }

    /** Starts a Redis with the given extra {@code redis-server} arguments (e.g. {@code --requirepass x}). */
    public static RedisProcess start(String... args) throws IOException, InterruptedException {
        RedisProcess redis = new RedisProcess(freePort(), List.of(args));
        redis.launch();
        return redis;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        if (new File("/usr/bin/redis-server").canExecute()) {
            return "/usr/bin/redis-server";
        }
        throw new IllegalStateException("redis-server is not installed: apt-get install redis-server (.ci/run does)");
    }

    private void launch() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--loglevel", "warning"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        Process started = process;
        // should the test JVM end without close(), take the server with it
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "kill-redis-" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " within 10 s");
    }

    public int port() {
        return port;
    }

    /** The server's process id (it changes on {@link #restart()}). */
    public long pid() {
        return process.pid();
    }

    /** {@code redis://127.0.0.1:port}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server with SIGKILL, like a crash: nothing is saved. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the server again on the same port, empty. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    /** Runs {@code commands} on a connection of its own, e.g. {@code r -> r.publish(…)}. */
    public <T> T call(Function<RedisCommands<String, String>, T> commands, String... auth) {
        RedisClient client = RedisClient.create(auth.length == 0 ? url() : auth[0]);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return commands.apply(connection.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
