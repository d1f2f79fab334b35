package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.HubStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code broadcast} health indicator reports, for Boot 3's and Boot 4's health APIs
 * alike: up while the hub runs, with its counts.
 */
record HubHealth(boolean up, Map<String, Object> details) {

    static HubHealth of(BroadcastHub hub, BroadcastLifecycle lifecycle) {
        HubStats stats = hub.stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("connections", stats.connections());
        details.put("channels", stats.channels());
        details.put("subscriptions", stats.subscriptions());
        return new HubHealth(lifecycle.isRunning(), details);
    }
}
