package dev.broadcast.samples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as people use it, in real headless Chromium (src/test/node/dashboard.mjs): two
 * users in two browsers, a dragged card, an agent streaming, a refresh mid-run, the Pusher server
 * stopped and started while the app goes on changing things, leaving, a refused user, WebSockets
 * blocked. The app runs in its own JVM as in production, sending through a standalone
 * broadcast server (as a Laravel app sends through Reverb), which the script stops and starts.
 * Screenshots: target/screenshots/dashboard-*.png.
 */
class DashboardBrowserTest {

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final String SECRET = "dashboard-test-secret";

    /** The app as {@code mvn spring-boot:run} starts it: the starter serves the Pusher protocol on the app's port. */
    @Test
    void twoUsersInTwoBrowsersOnTheAppsOwnEndpoint() throws Exception {
        JsonNode observed = run("embedded", null, "--dashboard.agent.lines=120");
        assertEquals("xhr_streaming", observed.path("fallbackTransport").asText());
    }

    /**
     * The app sending through a standalone server (as a Laravel app sends through Reverb), which
     * the script stops while the app goes on changing things, and starts again.
     */
    @Test
    void aPageMissesNothingWhileThePusherServerIsDown() throws Exception {
        int realtimePort = freePort();
        List<String> realtime = java("dev.broadcast.server.BroadcastServer", "--host", "127.0.0.1",
                "--port", String.valueOf(realtimePort), "--app-id", "dashboard", "--app-key", "dashboard-key",
                "--app-secret", SECRET, "--http-session-timeout", "10", "--log-level", "debug");
        JsonNode observed = run("split", realtime,
                "--broadcast.driver=pusher", "--broadcast.pusher.scheme=http",
                "--broadcast.pusher.host=127.0.0.1", "--broadcast.pusher.port=" + realtimePort,
                "--dashboard.realtime.host=127.0.0.1", "--dashboard.realtime.port=" + realtimePort,
                "--dashboard.agent.lines=150");
        assertEquals("done", observed.at("/afterOutage/task3").asText());
        assertEquals(151, observed.at("/finalLines/run").asInt(), "150 lines and the agent's last word");
        assertEquals(151, observed.at("/finalLines/bob").asInt(), observed::toString);
    }

    /** Starts the app with {@code appArgs}, runs dashboard.mjs against it, and returns what it observed. */
    private static JsonNode run(String name, List<String> realtimeCommand, String... appArgs) throws Exception {
        Path target = Files.createDirectories(Path.of("target", "browser-run-" + name));
        Path appLog = target.resolve("app.log");
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--broadcast.app-secret=" + SECRET));
        args.addAll(List.of(appArgs));
        Process app = new ProcessBuilder(java(DashboardApplication.class.getName(), args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(appLog.toFile())
                .start();
        Process node = null;
        try {
            int appPort = Integer.parseInt(await(app, appLog, STARTED, 90).group(1));
            ProcessBuilder script = new ProcessBuilder("node", "dashboard.mjs")
                    .directory(Path.of("src", "test", "node").toFile())
                    .redirectError(target.resolve("node.err").toFile());
            script.environment().put("APP_SECRET", SECRET);
            script.environment().put("APP_URL", "http://127.0.0.1:" + appPort + "/");
            script.environment().put("SCREENSHOT_DIR", Path.of("target", "screenshots").toAbsolutePath().toString());
            if (realtimeCommand != null) {
                script.environment().put("REALTIME_COMMAND", new ObjectMapper().writeValueAsString(realtimeCommand));
                script.environment().put("REALTIME_PORT", realtimeCommand.get(realtimeCommand.indexOf("--port") + 1));
            } else {
                script.environment().put("REALTIME_PORT", String.valueOf(appPort));
            }
            node = script.start();
            String out = new String(node.getInputStream().readAllBytes());
            assertTrue(node.waitFor(5, TimeUnit.MINUTES), "the browser script did not end");
            JsonNode observed = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
            System.out.println(name + ": observed " + observed.toPrettyString());
            String nodeErr = read(target.resolve("node.err"));
            assertTrue(observed.path("ok").asBoolean(), () -> "the browsers saw a problem: " + observed.path("error").asText()
                    + "\nsteps: " + observed.path("steps") + "\nnode: " + nodeErr);
            assertEquals(List.of(), List.copyOf(observed.withArray("foreignRequests").valueStream().map(JsonNode::asText).toList()),
                    "every request of the pages goes to the app (or its Pusher server)");
            return observed;
        } finally {
            if (node != null) {
                node.destroyForcibly();
            }
            app.destroyForcibly();
            app.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code java -cp <this test's class path> main args}: exactly this build's dependencies. */
    static List<String> java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }

    static Matcher await(Process process, Path log, Pattern pattern, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end && process.isAlive()) {
            Matcher matcher = pattern.matcher(read(log));
            if (matcher.find()) {
                return matcher;
            }
            Thread.sleep(100);
        }
        Matcher last = pattern.matcher(read(log));
        if (last.find()) {
            return last;
        }
        throw new AssertionError("no " + pattern + " within " + seconds + " s in " + log + ":\n" + read(log));
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
