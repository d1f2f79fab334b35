package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.broadcast.redis.RedisProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Faults with stock clients on standalone jar nodes, each test on a Redis of its own: a node
 * killed with SIGKILL, and Redis killed and started again empty.
 */
class ClusterFaultsConformanceTest {

    private static List<String> nodeArgs(RedisProcess redis) {
        return List.of("--client-events", "true", "--redis-url", redis.url());
    }

    /** Adds {@code count} jar nodes on {@code redis} to {@code nodes} (which the caller closes, also on failure). */
    private static void startNodes(List<StandaloneTarget> nodes, String label, int count, RedisProcess redis) {
        for (int i = 0; i < count; i++) {
            nodes.add(new StandaloneTarget(label + "-" + i, nodeArgs(redis)));
        }
    }

    private static Map<String, String> env(List<StandaloneTarget> nodes) {
        return new HashMap<>(Map.of(
                "TARGET_HOST", "127.0.0.1",
                "TARGET_PORT", Integer.toString(nodes.get(0).port()),
                "TARGET_PORTS", nodes.stream().map(n -> Integer.toString(n.port())).collect(Collectors.joining(",")),
                "APP_ID", Target.APP_ID,
                "APP_KEY", Target.APP_KEY,
                "APP_SECRET", Target.APP_SECRET,
                "RUN_ID", UUID.randomUUID().toString().substring(0, 8),
                "SCENARIO_TIMEOUT_MS", "60000"));
    }

    @Test
    void theMembersOfAKilledNodeLeaveWithin15SecondsAndDoNotComeBackWithIt() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<StandaloneTarget> nodes = new ArrayList<>();
            try {
                startNodes(nodes, "death", 3, redis);
                Map<String, Supplier<String>> actions = Map.of(
                        "kill-node-2", () -> {
                            nodes.get(2).process().process().destroyForcibly(); // SIGKILL: no goodbye
                            try {
                                nodes.get(2).process().process().waitFor();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return "killed";
                        },
                        "restart-node-2", () -> {
                            int port = nodes.get(2).port();
                            List<String> args = new ArrayList<>(nodeArgs(redis));
                            nodes.set(2, new StandaloneTarget("death-2-again", args, port));
                            return "restarted";
                        });
                NodeRunner.Result result = NodeRunner.runInteractive("cluster", "cluster-node-death.mjs", env(nodes), actions);
                assertEquals(0, result.exitCode(), () -> result.transcript()
                        + nodes.stream().map(Target::diagnostics).collect(Collectors.joining("\n")));
                System.out.println("cluster-node-death: " + result.json());
            } finally {
                nodes.forEach(Target::close);
            }
        }
    }

    @Test
    void redisKilledAndRestartedEmptyTheClusterHealsWithoutRestartingAnything() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<StandaloneTarget> nodes = new ArrayList<>();
            try {
                startNodes(nodes, "redis-restart", 2, redis);
                Map<String, Supplier<String>> actions = Map.of(
                        "kill-redis", () -> {
                            try {
                                redis.kill();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return "killed";
                        },
                        "restart-redis", () -> {
                            try {
                                redis.restart();
                            } catch (Exception e) {
                                return "failed: " + e;
                            }
                            return "restarted";
                        });
                NodeRunner.Result result = NodeRunner.runInteractive("cluster", "cluster-redis-restart.mjs", env(nodes), actions);
                assertEquals(0, result.exitCode(), () -> result.transcript()
                        + nodes.stream().map(Target::diagnostics).collect(Collectors.joining("\n")));
                System.out.println("cluster-redis-restart: " + result.json());
            } finally {
                nodes.forEach(Target::close);
            }
        }
    }

    /** Runs the jar with {@code args} until it exits (it must, within 30 s); returns its exit code and output. */
    private static Map.Entry<Integer, String> runJar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServerProcess.JAR.toString(), "--host", "127.0.0.1", "--port", Integer.toString(Ports.free())));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BROADCAST_"));
        Process process = builder.start();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop by itself");
        }
        return Map.entry(process.exitValue(), new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aBadRedisUrlOrRefusedCredentialsStopTheServerAtStartNamingTheOption() throws Exception {
        var badUrl = runJar("--redis-url", "localhost:6379");
        assertEquals(2, badUrl.getKey(), badUrl.getValue());
        org.junit.jupiter.api.Assertions.assertTrue(badUrl.getValue().contains("broadcast-server: --redis-url: Redis URL must look like"
                + " redis://[user:password@]host[:port][/db] or rediss://… for TLS, got 'localhost:6379'"), badUrl.getValue());
        try (RedisProcess locked = RedisProcess.start("--requirepass", "right")) {
            var refused = runJar("--redis-url", "redis://:hunter2@127.0.0.1:" + locked.port());
            assertEquals(1, refused.getKey(), refused.getValue());
            org.junit.jupiter.api.Assertions.assertTrue(refused.getValue().contains("broadcast-server: --redis-url: Redis at 127.0.0.1:"
                    + locked.port() + " refused authentication"), refused.getValue());
            org.junit.jupiter.api.Assertions.assertFalse(refused.getValue().contains("hunter2"), "the password is never printed");
            System.out.println("refused credentials: " + refused.getValue().lines().filter(l -> l.startsWith("broadcast-server:")).findFirst().orElse(""));
        }
    }
}
