package dev.broadcast.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same dashboard service, wired to the local driver in the running app, delivers every event to
 * laravel-echo clients (Node) that subscribed through the app's auth endpoint.
 */
class DashboardEndToEndTest {

    @Test
    void echoClientsReceiveTheWholeAgentRunThroughTheAuthEndpoint() throws Exception {
        File dir = new File("src/test/node");
        assertTrue(new File(dir, "node_modules/laravel-echo").isDirectory(),
                "node_modules missing: run `npm ci` in " + dir + " (the Maven build does it)");
        try (QuickstartApp app = QuickstartApp.start(0)) {
            Path output = Files.createTempFile("dashboard", ".log");
            ProcessBuilder builder = new ProcessBuilder("node", "dashboard.mjs")
                    .directory(dir)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PORT", String.valueOf(app.port()));
            Process node = builder.start();
            node.getOutputStream().close();
            boolean exited = node.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            String transcript = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertTrue(exited, "dashboard.mjs did not finish in 30 s:\n" + transcript);
            assertEquals(0, node.exitValue(), "dashboard.mjs failed:\n" + transcript);
            assertTrue(transcript.contains("\"ok\":true"), transcript);
        }
    }
}
