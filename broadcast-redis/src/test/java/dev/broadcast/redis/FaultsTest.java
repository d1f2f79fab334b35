package dev.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.Limits;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the cluster does when a node or Redis fails, and with bad settings; each test on its own Redis. */
class FaultsTest {

    RedisProcess redis;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start();
        cluster = new Cluster(redis);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
        redis.close();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        await(condition, timeout, () -> what);
    }

    static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Thread.getAllStackTraces().forEach((t, st) -> {
                    if (t.getName().startsWith("broadcast")) {
                        System.out.println("THREAD " + t.getName() + " " + t.getState());
                        for (StackTraceElement e : st) {
                            System.out.println("    " + e);
                        }
                    }
                });
                throw new AssertionError(what.get() + " not within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void webhooksAreSentOncePerClusterForEachTransition() throws Exception {
        try (Webhooks hooks = new Webhooks()) {
            cluster.webhooks = hooks.url();
            BroadcastHub a = cluster.node();
            BroadcastHub b = cluster.node();
            String channel = "presence-hooks";
            Recorder aliceA = Cluster.member(a, channel, "alice");
            Recorder aliceB = Cluster.member(b, channel, "alice");
            Recorder bob = Cluster.member(b, channel, "bob");
            bob.send("{\"event\":\"client-wave\",\"channel\":\"" + channel + "\",\"data\":{}}");
            aliceA.await("client-wave", channel);
            await(() -> hooks.names().size() >= 4, Duration.ofSeconds(5), () -> "first four webhooks (got " + hooks.names() + "; a " + a.stats() + " b " + b.stats() + ")");

            aliceA.connection.closed();
            bob.connection.closed();
            aliceB.connection.closed();
            await(() -> hooks.names().size() >= 7, Duration.ofSeconds(5), "seven webhooks");
            Thread.sleep(500);
            List<String> names = hooks.names();
            assertEquals(1, names.stream().filter(n -> n.equals("channel_occupied presence-hooks")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("member_added presence-hooks alice")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("member_added presence-hooks bob")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("client_event presence-hooks bob")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("member_removed presence-hooks bob")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("member_removed presence-hooks alice")).count(), names::toString);
            assertEquals(1, names.stream().filter(n -> n.equals("channel_vacated presence-hooks")).count(), names::toString);
            assertEquals(7, names.size(), names::toString);
        }
    }

    @Test
    void theMembersOfANodeThatDiedAreRemovedByTheOthers() throws Exception {
        try (Webhooks hooks = new Webhooks()) {
            cluster.webhooks = hooks.url();
            BroadcastHub a = cluster.node(Limits.DEFAULTS, bus -> bus.nodeTimeout(Duration.ofSeconds(2)));
            BroadcastHub b = cluster.node(Limits.DEFAULTS, bus -> bus.nodeTimeout(Duration.ofSeconds(2)));
            String channel = "presence-ghosts";
            Recorder alice = Cluster.member(a, channel, "alice");
            Recorder bob = Cluster.member(b, channel, "bob");
            alice.await("pusher_internal:member_added", channel);

            long crashed = System.nanoTime();
            cluster.buses.get(1).crash();
            JsonNode removed = alice.await(f -> f.path("event").asText().equals("pusher_internal:member_removed"), Duration.ofSeconds(10));
            long millis = (System.nanoTime() - crashed) / 1_000_000;
            System.out.println("member of the dead node removed after " + millis + " ms (node timeout 2 s)");
            assertEquals("bob", Recorder.data(removed).path("user_id").asText());
            await(() -> hooks.names().contains("member_removed presence-ghosts bob"), Duration.ofSeconds(5), "member_removed webhook");
            assertEquals("{\"users\":[{\"id\":\"alice\"}]}",
                    Cluster.api(a, "GET", "/apps/1/channels/" + channel + "/users", java.util.Map.of(), null).body());
            assertEquals("{\"connections\":1}", Cluster.api(a, "GET", "/apps/1/connections", java.util.Map.of(), null).body());
        }
    }

    @Test
    void redisKilledAndRestartedEmptyLocalDeliveryGoesOnAndTheClusterHealsByItself() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        Recorder onA = Cluster.subscriber(a, "news");
        Recorder onB = Cluster.subscriber(b, "news");
        String channel = "presence-room";
        Recorder alice = Cluster.member(a, channel, "alice");
        Recorder bob = Cluster.member(b, channel, "bob");

        redis.kill();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, Cluster.trigger(a, "news", "while-down", "d" + i, null).status(), "publishers are not blocked");
        }
        // a publish in flight when Redis died fails a moment later, on Lettuce's thread, and is delivered
        // then: wait for all five rather than for the last one sent
        await(() -> onA.all("while-down").size() >= 5, Duration.ofSeconds(5), "five local deliveries while Redis is down");
        assertEquals(5, onA.all("while-down").size(), "local delivery went on");
        assertEquals(-1, onA.closeCode());

        long restarted = System.nanoTime();
        redis.restart();
        // cross-node delivery back
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int n = 0;
        while (onB.all("after").isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "cross-node delivery back within 10 s");
            Cluster.trigger(a, "news", "after", "a" + n++, null);
            Thread.sleep(100);
        }
        System.out.println("cross-node delivery back " + (System.nanoTime() - restarted) / 1_000_000 + " ms after Redis restarted empty");
        assertTrue(cluster.buses.get(0).lostMessages() >= 5, "the loss was counted: " + cluster.buses.get(0).lostMessages());
        // the roster is back: a newcomer on node A sees bob of node B
        await(() -> Cluster.api(a, "GET", "/apps/1/channels/" + channel + "/users", java.util.Map.of(), null).body()
                .equals("{\"users\":[{\"id\":\"alice\"},{\"id\":\"bob\"}]}"), Duration.ofSeconds(10), "roster restored");
        System.out.println("roster restored " + (System.nanoTime() - restarted) / 1_000_000 + " ms after Redis restarted empty");
        Recorder carol = Recorder.connect(a, Cluster.KEY);
        Cluster.joinPresence(carol, channel, "carol");
        JsonNode carolIn = carol.await("pusher_internal:subscription_succeeded", channel);
        assertEquals(3, Recorder.data(carolIn).path("presence").path("count").asInt(), carolIn.toString());
        JsonNode added = bob.await("pusher_internal:member_added", channel);
        assertEquals("carol", Recorder.data(added).path("user_id").asText());
        Recorder.settle();
        assertEquals(1, bob.all("pusher_internal:member_added").size(), "no member re-announced to clients");
    }

    @Test
    void redisUnresponsiveForAWhileThenBackWithItsDataWhatChangedMeanwhileIsAnnouncedOnce() throws Exception {
        try (Webhooks hooks = new Webhooks()) {
            cluster.webhooks = hooks.url();
            BroadcastHub a = cluster.node();
            BroadcastHub b = cluster.node();
            String channel = "presence-pause";
            Recorder alice = Cluster.member(a, channel, "alice");
            Recorder bob = Cluster.member(b, channel, "bob");
            alice.await("pusher_internal:member_added", channel);
            await(() -> hooks.names().contains("member_added presence-pause bob"), Duration.ofSeconds(5), "bob's member_added");

            redis.call(r -> r.clientPause(5000)); // every client's commands wait 5 s: the nodes' time out after 2
            bob.connection.closed(); // bob leaves while Redis does not answer
            JsonNode removed = alice.await(f -> f.path("event").asText().equals("pusher_internal:member_removed"),
                    Duration.ofSeconds(20));
            assertEquals("bob", Recorder.data(removed).path("user_id").asText());
            await(() -> hooks.names().contains("member_removed presence-pause bob"), Duration.ofSeconds(10),
                    "bob's member_removed webhook, once Redis answers again");
            Thread.sleep(1000);
            assertEquals(1, alice.all("pusher_internal:member_removed").size());
            assertEquals(1, hooks.names().stream().filter(n -> n.equals("member_removed presence-pause bob")).count(), hooks.names()::toString);
            assertEquals(1, hooks.names().stream().filter(n -> n.equals("member_added presence-pause alice")).count(),
                    "alice was not announced again: " + hooks.names());
            assertEquals("{\"users\":[{\"id\":\"alice\"}]}",
                    Cluster.api(a, "GET", "/apps/1/channels/" + channel + "/users", java.util.Map.of(), null).body());
        }
    }

    @Test
    void aMessageANodeCannotReadIsDroppedCountedAndTheNodeGoesOn() throws Exception {
        BroadcastHub a = cluster.node();
        Recorder client = Cluster.subscriber(a, "news");
        redis.call(r -> r.publish("test:1:e:news", "not json"));
        redis.call(r -> r.publish("test:1:e:news", "{\"t\":\"e\",\"e\":5}"));
        redis.call(r -> r.publish("test:ctl", "[]"));
        redis.call(r -> r.publish("test:1:e:news", "{\"t\":\"e\",\"n\":\"elsewhere\",\"e\":\"ok\",\"d\":\"still\"}"));
        client.await("ok", "news");
        assertEquals(3, cluster.buses.get(0).malformedMessages());
    }

    @Test
    void badSettingsStopTheStartWithAMessageNamingThem() throws Exception {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> RedisBus.connect("http://user:hunter2@localhost:6379"));
        assertEquals("Redis URL must look like redis://[user:password@]host[:port][/db] or rediss://… for TLS,"
                + " got 'http://user:***@localhost:6379'", scheme.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> RedisBus.connect("redis://localhost:notaport"));
        assertTrue(port.getMessage().startsWith("Redis URL 'redis://localhost:notaport' is not valid"), port.getMessage());
        IllegalStateException unreachable = assertThrows(IllegalStateException.class,
                () -> RedisBus.connect("redis://127.0.0.1:" + RedisProcess.freePort()));
        assertTrue(unreachable.getMessage().startsWith("Cannot connect to Redis at 127.0.0.1:"), unreachable.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisBus.builder("redis://x").prefix("has space"));
        IllegalArgumentException sentinel = assertThrows(IllegalArgumentException.class,
                () -> RedisBus.connect("redis-sentinel://10.0.0.1:26379/0#mymaster"));
        assertTrue(sentinel.getMessage().startsWith("Redis URL must look like"), "Sentinel URLs are refused: " + sentinel.getMessage());
        for (String url : new String[] {"redis://user:6379/s3cr3t@host", "redis://user:pa?ss#s3cr3t@host:6379",
                "redis://user:s3cr3t/x@host"}) { // found by RedisUrlFuzzTest: parsers quoted pieces of the password
            IllegalArgumentException leaky = assertThrows(IllegalArgumentException.class, () -> RedisBus.builder(url));
            assertTrue(!leaky.getMessage().contains("s3cr3t") && leaky.getMessage().contains("percent-encoded"),
                    leaky.getMessage());
        }
        for (String url : new String[] {"//:s3cr3t@host", "user:s3cr3t@host"}) { // found by ServerOptionsFuzzTest: no scheme
            IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class, () -> RedisBus.builder(url));
            assertTrue(!noScheme.getMessage().contains("s3cr3t") && noScheme.getMessage().contains("***@host"), noScheme.getMessage());
        }
    }

    @Test
    void aRedisThatRefusesTheCredentialsStopsTheStart() throws Exception {
        try (RedisProcess locked = RedisProcess.start("--requirepass", "right")) {
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> RedisBus.connect(locked.url()));
            assertTrue(none.getMessage().contains("refused authentication"), none.getMessage());
            IllegalStateException wrong = assertThrows(IllegalStateException.class,
                    () -> RedisBus.connect("redis://:wrong@127.0.0.1:" + locked.port()));
            assertTrue(wrong.getMessage().contains("refused authentication"), wrong.getMessage());
            assertTrue(!wrong.getMessage().contains("wrong"), "the password is not repeated: " + wrong.getMessage());
            RedisBus.connect("redis://:right@127.0.0.1:" + locked.port()).close();
        }
    }
}
