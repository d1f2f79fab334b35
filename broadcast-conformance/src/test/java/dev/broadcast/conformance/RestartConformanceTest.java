package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * D11: a restart on one host. Before, SIGTERM sent 4200 while nothing else listened, pusher-js's
 * one immediate retry hit the dead port and it fell into its back-off (0 of 200 back after 10 s).
 * With {@code --reuse-port} the new server listens beside the old one first, and the old one stops
 * accepting before it sends 4200.
 */
class RestartConformanceTest {

    @Test
    void clientsOfAServerRestartedWithReusePortAreBackWithinThreeSeconds() throws Exception {
        List<StandaloneTarget> servers = new ArrayList<>();
        try {
            List<String> args = List.of("--reuse-port", "true");
            servers.add(new StandaloneTarget("restart-a", args));
            int port = servers.get(0).port();
            Map<String, Supplier<String>> actions = Map.of(
                    "start-b", () -> {
                        servers.add(new StandaloneTarget("restart-b", args, port));
                        return "listening";
                    },
                    "sigterm-a", () -> {
                        servers.get(0).process().process().destroy(); // SIGTERM
                        return "sent";
                    });
            NodeRunner.Result result = NodeRunner.runInteractive("restart", "restart.mjs", env(port, "reuse-port"), actions);
            assertEquals(0, result.exitCode(), () -> result.transcript()
                    + servers.stream().map(Target::diagnostics).collect(Collectors.joining("\n")));
            System.out.println("restart: " + result.json());
        } finally {
            servers.forEach(Target::close);
        }
    }

    /** Issue 11, faults: the server killed with SIGKILL under load, another started on its port. */
    @Test
    void clientsOfAKilledServerComeBackToItsSuccessor() throws Exception {
        List<StandaloneTarget> servers = new ArrayList<>();
        try {
            servers.add(new StandaloneTarget("kill-a", List.of()));
            int port = servers.get(0).port();
            Map<String, Supplier<String>> actions = Map.of(
                    "kill-a", () -> {
                        Process a = servers.get(0).process().process();
                        a.destroyForcibly(); // SIGKILL: no 4200, no goodbye
                        try {
                            a.waitFor();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "killed";
                    },
                    "start-b", () -> {
                        servers.add(new StandaloneTarget("kill-b", List.of(), port));
                        return "listening";
                    });
            NodeRunner.Result result = NodeRunner.runInteractive("restart", "restart.mjs", env(port, "kill"), actions);
            assertEquals(0, result.exitCode(), () -> result.transcript()
                    + servers.stream().map(Target::diagnostics).collect(Collectors.joining("\n")));
            System.out.println("kill: " + result.json());
        } finally {
            servers.forEach(Target::close);
        }
    }

    private static Map<String, String> env(int port, String mode) {
        return Map.of(
                "TARGET_HOST", "127.0.0.1",
                "TARGET_PORT", Integer.toString(port),
                "APP_ID", Target.APP_ID,
                "APP_KEY", Target.APP_KEY,
                "APP_SECRET", Target.APP_SECRET,
                "RUN_ID", UUID.randomUUID().toString().substring(0, 8),
                "SCENARIO_TIMEOUT_MS", "120000",
                "MODE", mode);
    }
}
