package dev.broadcast.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
            String transcript = NodeScript.run("page.mjs",
                    Map.of("PORT", String.valueOf(app.port()), "SCREENSHOT_DIR", screenshots.toString()), 90);
            assertTrue(transcript.contains("\"ok\":true"), transcript);
            assertTrue(transcript.contains("\"state\":\"done\""), transcript);
        }
    }
}
