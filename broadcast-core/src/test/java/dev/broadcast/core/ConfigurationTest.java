package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.transport.ConnectRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Builders refuse bad configuration up front; stats count what happened. */
class ConfigurationTest {

    @Test
    void appRefusesEmptyOrWhitespaceCredentials() {
        assertThrows(IllegalArgumentException.class, () -> App.builder("", "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> App.builder("1", " k", "s"));
        assertThrows(IllegalArgumentException.class, () -> App.builder("1", "k", "s e"));
        assertThrows(IllegalArgumentException.class, () -> App.builder("1", "k", null));
    }

    @Test
    void appRefusesBadPolicies() {
        App.Builder builder = App.builder("1", "k", "s");
        assertThrows(IllegalArgumentException.class, () -> builder.allowedOrigins(List.of()));
        assertThrows(IllegalArgumentException.class, () -> builder.activityTimeout(Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> builder.pongTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.webhook(URI.create("ftp://example.com/hook")));
        assertThrows(NullPointerException.class, () -> builder.limits(null));
    }

    @Test
    void appDefaultsArePushers() {
        App app = App.builder("1", "k", "topsecretvalue").build();
        assertEquals(false, app.clientEvents());
        assertEquals(List.of("*"), app.allowedOrigins());
        assertEquals(Duration.ofSeconds(120), app.activityTimeout());
        assertEquals(Duration.ofSeconds(30), app.pongTimeout());
        assertEquals(Limits.DEFAULTS, app.limits());
        assertEquals(List.of(), app.webhooks());
        assertEquals(false, app.toString().contains("topsecretvalue"), "the secret is not in toString");
    }

    @Test
    void limitsMustBePositive() {
        Limits d = Limits.DEFAULTS;
        assertThrows(IllegalArgumentException.class, () -> new Limits(0, d.maxEventDataBytes(), d.maxEventNameLength(),
                d.maxChannelsPerTrigger(), d.maxBatchSize(), d.maxPresenceMembers(), d.maxUserInfoBytes(),
                d.maxUserIdLength(), d.clientEventsPerSecond(), d.maxOutboundBytes(), d.apiTimestampWindow(),
                d.maxSubscriptionsPerConnection()));
        assertThrows(IllegalArgumentException.class, () -> new Limits(d.maxMessageBytes(), d.maxEventDataBytes(),
                d.maxEventNameLength(), d.maxChannelsPerTrigger(), d.maxBatchSize(), d.maxPresenceMembers(),
                d.maxUserInfoBytes(), d.maxUserIdLength(), d.clientEventsPerSecond(), -1, d.apiTimestampWindow(),
                d.maxSubscriptionsPerConnection()));
        assertThrows(IllegalArgumentException.class, () -> new Limits(d.maxMessageBytes(), d.maxEventDataBytes(),
                d.maxEventNameLength(), d.maxChannelsPerTrigger(), d.maxBatchSize(), d.maxPresenceMembers(),
                d.maxUserInfoBytes(), d.maxUserIdLength(), d.clientEventsPerSecond(), d.maxOutboundBytes(), Duration.ZERO,
                d.maxSubscriptionsPerConnection()));
        assertThrows(IllegalArgumentException.class, () -> new Limits(d.maxMessageBytes(), d.maxEventDataBytes(),
                d.maxEventNameLength(), d.maxChannelsPerTrigger(), d.maxBatchSize(), d.maxPresenceMembers(),
                d.maxUserInfoBytes(), d.maxUserIdLength(), d.clientEventsPerSecond(), d.maxOutboundBytes(),
                d.apiTimestampWindow(), 0));
    }

    @Test
    void hubRefusesNoAppsDuplicateAppsAndBadRetries() {
        App app = App.builder("1", "k", "s").build();
        assertThrows(IllegalStateException.class, () -> BroadcastHub.builder().build());
        assertThrows(IllegalArgumentException.class, () -> BroadcastHub.builder().app(app).app(App.builder("1", "k2", "s").build()));
        assertThrows(IllegalArgumentException.class, () -> BroadcastHub.builder().app(app).app(App.builder("2", "k", "s").build()));
        assertThrows(IllegalArgumentException.class, () -> BroadcastHub.builder().webhookRetries(Duration.ZERO, 3));
        assertThrows(IllegalArgumentException.class, () -> BroadcastHub.builder().webhookRetries(Duration.ofSeconds(1), 0));
    }

    @Test
    void hubHostsSeveralAppsAndFindsThemByKey() {
        App other = App.builder("4", "otherkey", "othersecret").build();
        try (Fixture fixture = Fixture.create(Fixture.START, b -> b, other)) {
            assertEquals(List.of(fixture.app, other), fixture.hub.apps());
            assertEquals(Optional.of(other), fixture.hub.appByKey("otherkey"));
            assertEquals(Optional.empty(), fixture.hub.appByKey("nope"));

            FixtureClient mine = fixture.connect();
            FixtureClient theirs = fixture.connect(new ConnectRequest("otherkey", "7", null));
            mine.subscribe("same-name");
            theirs.send(Wire.message("pusher:subscribe", Wire.map("auth", "", "channel", "same-name")));
            int mark = theirs.mark();

            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("same-name"), "e", "x", null));
            assertEquals(List.of(), theirs.since(mark), "apps do not share channels");
        }
    }

    @Test
    void closingAHubStopsTheTimerThreadItMadeForItself() throws Exception {
        Set<Thread> before = timerThreads();
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("1", "k", "s").build()).build();
        Set<Thread> created = timerThreads();
        created.removeAll(before);
        assertEquals(1, created.size(), "the hub made one timer thread");

        hub.close();

        Thread timer = created.iterator().next();
        timer.join(5_000);
        assertFalse(timer.isAlive(), "the hub's own timer thread ended");
    }

    @Test
    void aSchedulerGivenByTheCallerIsLeftRunning() throws Exception {
        Scheduler scheduler = Scheduler.daemon();
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("1", "k", "s").build()).scheduler(scheduler).build();
        hub.close();

        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        scheduler.schedule(ran::countDown, Duration.ofMillis(1));
        assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS), "the caller's scheduler still runs tasks");
    }

    private static Set<Thread> timerThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("broadcast-timer") && thread.isAlive()) {
                threads.add(thread);
            }
        }
        return threads;
    }

    @Test
    void statsCountMessagesBytesAndState() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            FixtureClient second = fixture.connect();
            client.subscribe("a");
            client.subscribe("b");
            second.subscribe("a");
            client.send("{\"event\":\"pusher:ping\"}");

            HubStats stats = fixture.hub.stats();
            assertEquals(2, stats.connections());
            assertEquals(2, stats.channels());
            assertEquals(3, stats.subscriptions());
            assertEquals(4, stats.messagesIn());
            assertEquals(6, stats.messagesOut()); // 2 established, 3 subscription_succeeded, 1 pong
            long bytes = 0;
            for (FixtureClient c : List.of(client, second)) {
                bytes += c.transport.rawFrames().stream().mapToLong(f -> f.getBytes(StandardCharsets.UTF_8).length).sum();
            }
            assertEquals(bytes, stats.bytesOut());
        }
    }

    /** Found by AppConfigFuzzTest: a webhook URL without a host was accepted, and refusals printed passwords. */
    @Test
    void aWebhookUrlNeedsAHostAndRefusalsNeverPrintItsPassword() {
        String noHost = assertThrows(IllegalArgumentException.class,
                () -> App.builder("1", "k", "s").webhook(java.net.URI.create("http:/hooks"))).getMessage();
        assertTrue(noHost.startsWith("webhook URL needs a host"), noHost);
        String badScheme = assertThrows(IllegalArgumentException.class,
                () -> App.builder("1", "k", "s").webhook(java.net.URI.create("ftp://user:hunter2@example.com/h"))).getMessage();
        assertEquals("webhook URL must be http or https: ftp://***@example.com/h", badScheme);
        // found by ServerOptionsFuzzTest's long run: a '/' in the password moves its end into the path
        String splitPassword = assertThrows(IllegalArgumentException.class,
                () -> App.builder("1", "k", "s").webhook(java.net.URI.create("ftp://user:6379/secret@example.com/h"))).getMessage();
        assertEquals("webhook URL must be http or https: ftp:***", splitPassword);
    }
}
