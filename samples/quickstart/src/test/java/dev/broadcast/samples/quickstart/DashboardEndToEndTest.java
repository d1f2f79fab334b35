package dev.broadcast.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same dashboard service, wired to the local driver in the running app, delivers every event to
 * laravel-echo clients (Node) that subscribed through the app's auth endpoint.
 */
class DashboardEndToEndTest {

    @Test
    void echoClientsReceiveTheWholeAgentRunThroughTheAuthEndpoint() throws Exception {
        try (QuickstartApp app = QuickstartApp.start(0)) {
            String transcript = NodeScript.run("dashboard.mjs", Map.of("PORT", String.valueOf(app.port())), 30);
            assertTrue(transcript.contains("\"ok\":true"), transcript);
        }
    }
}
