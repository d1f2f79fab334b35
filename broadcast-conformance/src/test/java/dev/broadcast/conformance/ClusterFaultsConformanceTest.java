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
                for (int i = 0; i < 3; i++) {
                    nodes.add(new StandaloneTarget("death-" + i, nodeArgs(redis)));
                }
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
                for (int i = 0; i < 2; i++) {
                    nodes.add(new StandaloneTarget("redis-restart-" + i, nodeArgs(redis)));
                }
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
}
