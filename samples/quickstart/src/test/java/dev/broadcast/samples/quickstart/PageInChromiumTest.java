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
 * The quick start's page itself (src/main/resources/public/index.html) in headless Chromium
 * (src/test/node/page.mjs): it loads pusher-js and laravel-echo from the app, not from a CDN, and
 * shows a run of the agent in two users' pages. Screenshot: target/screenshots/quickstart-page.png.
 */
class PageInChromiumTest {

    @Test
    void thePageWorksWithNothingButTheApp() throws Exception {
        Path screenshots = Files.createDirectories(Path.of("target", "screenshots")).toAbsolutePath();
        try (QuickstartApp app = QuickstartApp.start(0)) {
            Path output = Files.createTempFile("page", ".log");
            ProcessBuilder builder = new ProcessBuilder("node", "page.mjs")
                    .directory(new File("src/test/node"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PORT", String.valueOf(app.port()));
            builder.environment().put("SCREENSHOT_DIR", screenshots.toString());
            Process node = builder.start();
            boolean exited = node.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            String transcript = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertTrue(exited, "page.mjs did not finish in 90 s:\n" + transcript);
            assertEquals(0, node.exitValue(), "page.mjs failed:\n" + transcript);
            assertTrue(transcript.contains("\"ok\":true"), transcript);
            assertTrue(transcript.contains("\"state\":\"done\""), transcript);
        }
    }
}
