package dev.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.BroadcastHub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two and three hubs in this JVM on one real Redis: every protocol feature cluster-wide. */
class ClusterTest {

    static RedisProcess redis;
    Cluster cluster;

    @BeforeAll
    static void redis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void cluster() {
        redis.call(r -> r.flushall());
        cluster = new Cluster(redis);
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private static List<String> events(Recorder client, String event) {
        return client.all(event).stream().map(f -> f.path("data").asText()).toList();
    }

    @Test
    void aBroadcastOnOneNodeReachesSubscribersOnEveryNodeOnce() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        BroadcastHub c = cluster.node();
        Recorder onA = Cluster.subscriber(a, "news");
        Recorder onB = Cluster.subscriber(b, "news");
        Recorder onC = Cluster.subscriber(c, "news");

        assertEquals(200, Cluster.trigger(a, "news", "story", "one", null).status());
        for (Recorder client : List.of(onA, onB, onC)) {
            client.await(f -> f.path("event").asText().equals("story") && f.path("data").asText().equals("one"));
        }
        a.trigger(Cluster.ID, List.of("news"), "story", "two", null); // the local driver's way in
        for (Recorder client : List.of(onA, onB, onC)) {
            client.await(f -> f.path("data").asText().equals("two"));
        }
        Recorder.settle();
        for (Recorder client : List.of(onA, onB, onC)) {
            assertEquals(List.of("one", "two"), events(client, "story"), "each once");
        }
    }

    @Test
    void toOthersExcludesTheSenderWhicheverNodeItIsOn() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        Recorder sender = Cluster.subscriber(b, "board");
        Recorder other = Cluster.subscriber(a, "board");
        Recorder neighbour = Cluster.subscriber(b, "board");
        assertEquals(200, Cluster.trigger(a, "board", "moved", "card-1", sender.socketId()).status());
        other.await("moved", "board");
        neighbour.await("moved", "board");
        Recorder.settle();
        assertEquals(List.of(), events(sender, "moved"), "the sender on node B was excluded by node A's trigger");
    }

    @Test
    void aNodeWithoutSubscribersOfAChannelIsNotSentItsBroadcasts() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        Recorder onA = Cluster.subscriber(a, "only-a");
        Recorder onB = Cluster.subscriber(b, "only-b");

        Map<String, Long> subscribers = redis.call(r -> r.pubsubNumsub("test:1:e:only-a", "test:1:e:only-b"));
        assertEquals(Map.of("test:1:e:only-a", 1L, "test:1:e:only-b", 1L), subscribers,
                "one Redis subscription per channel, by the node that serves it");
        onA.send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"only-a\"}}");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (redis.call(r -> r.pubsubNumsub("test:1:e:only-a")).get("test:1:e:only-a") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0L, redis.call(r -> r.pubsubNumsub("test:1:e:only-a")).get("test:1:e:only-a"),
                "the last subscriber here gone, the node stops listening");
    }

    @Test
    void presenceHasOneRosterForTheCluster() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        String channel = "presence-room";
        Recorder alice = Recorder.connect(a, Cluster.KEY);
        Cluster.joinPresence(alice, channel, "alice");
        JsonNode aliceIn = alice.await("pusher_internal:subscription_succeeded", channel);
        assertEquals(1, Recorder.data(aliceIn).path("presence").path("count").asInt());

        Recorder bob = Recorder.connect(b, Cluster.KEY);
        Cluster.joinPresence(bob, channel, "bob");
        JsonNode bobIn = bob.await("pusher_internal:subscription_succeeded", channel);
        assertEquals("[\"alice\",\"bob\"]", Recorder.data(bobIn).path("presence").path("ids").toString(),
                "bob on node B sees alice of node A");
        assertEquals("{\"name\":\"alice\"}", Recorder.data(bobIn).path("presence").path("hash").path("alice").toString());
        JsonNode added = alice.await("pusher_internal:member_added", channel);
        assertEquals("bob", Recorder.data(added).path("user_id").asText());

        // bob's second connection, on node A: already present, so nobody is told again
        Recorder bob2 = Cluster.member(a, channel, "bob");
        bob.connection.closed(); // bob's node-B connection goes; bob is still here through node A
        Thread.sleep(500);
        assertEquals(1, alice.all("pusher_internal:member_added").size());
        assertEquals(0, alice.all("pusher_internal:member_removed").size());

        bob2.connection.closed();
        JsonNode removed = alice.await("pusher_internal:member_removed", channel);
        assertEquals("bob", Recorder.data(removed).path("user_id").asText());
        Recorder.settle();
        assertEquals(1, alice.all("pusher_internal:member_removed").size(), "once");
    }

    @Test
    void theMemberLimitCountsTheCluster() throws Exception {
        var limits = new dev.broadcast.core.config.Limits(10 * 1024, 10 * 1024, 200, 100, 10, 2, 1024, 128, 10,
                1024 * 1024, Duration.ofSeconds(600), 128);
        BroadcastHub a = cluster.node(limits, x -> x);
        BroadcastHub b = cluster.node(limits, x -> x);
        String channel = "presence-small";
        Recorder one = Cluster.member(a, channel, "u1");
        Recorder two = Cluster.member(b, channel, "u2");
        Recorder three = Recorder.connect(a, Cluster.KEY);
        Cluster.joinPresence(three, channel, "u3");
        JsonNode refused = three.await("pusher:subscription_error", channel);
        assertEquals("LimitReached", Recorder.data(refused).path("type").asText());
        Recorder twoAgain = Recorder.connect(a, Cluster.KEY);
        Cluster.joinPresence(twoAgain, channel, "u2");
        twoAgain.await("pusher_internal:subscription_succeeded", channel); // a present user is not a new member
    }

    @Test
    void clientEventsReachTheOtherNodesWithTheSendersUserId() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        String channel = "presence-chat";
        Recorder alice = Cluster.member(a, channel, "alice");
        Recorder bob = Cluster.member(b, channel, "bob");
        alice.await("pusher_internal:member_added", channel);

        alice.send("{\"event\":\"client-typing\",\"channel\":\"" + channel + "\",\"data\":{\"n\":12345678901234567890}}");
        JsonNode typing = bob.await("client-typing", channel);
        assertEquals("alice", typing.path("user_id").asText());
        assertEquals("{\"n\":12345678901234567890}", typing.path("data").toString());
        Recorder.settle();
        assertEquals(0, alice.all("client-typing").size(), "not echoed to the sender");
    }

    @Test
    void aCacheChannelsLastEventIsKeptClusterWide() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        assertEquals(200, Cluster.trigger(a, "cache-price", "price", "42", null).status());
        Recorder onB = Cluster.subscriber(b, "cache-price");
        JsonNode cached = onB.await("price", "cache-price");
        assertEquals("42", cached.path("data").asText());
        assertEquals(0, onB.all("pusher:cache_miss").size());

        Recorder miss = Recorder.connect(b, Cluster.KEY);
        miss.subscribe("cache-empty");
        miss.await("pusher:cache_miss", "cache-empty");
    }

    @Test
    void theHttpApiAnswersForTheWholeClusterOnAnyNode() throws Exception {
        BroadcastHub a = cluster.node();
        BroadcastHub b = cluster.node();
        String channel = "presence-team";
        Recorder alice = Cluster.member(a, channel, "alice");
        Recorder aliceOnB = Cluster.member(b, channel, "alice");
        Recorder bob = Cluster.member(b, channel, "bob");
        Recorder reader = Cluster.subscriber(a, "news");
        Thread.sleep(200); // counts are told to Redis without waiting

        for (BroadcastHub node : List.of(a, b)) {
            String path = "/apps/" + Cluster.ID;
            assertEquals("{\"occupied\":true,\"user_count\":2,\"subscription_count\":3}",
                    Cluster.api(node, "GET", path + "/channels/" + channel, Map.of("info", "user_count,subscription_count"), null).body());
            assertEquals("{\"users\":[{\"id\":\"alice\"},{\"id\":\"bob\"}]}",
                    Cluster.api(node, "GET", path + "/channels/" + channel + "/users", Map.of(), null).body());
            assertEquals("{\"channels\":{\"news\":{},\"presence-team\":{}}}",
                    Cluster.api(node, "GET", path + "/channels", Map.of(), null).body());
            assertEquals("{\"channels\":{\"presence-team\":{\"user_count\":2}}}",
                    Cluster.api(node, "GET", path + "/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count"), null).body());
            assertEquals("{\"connections\":4}", Cluster.api(node, "GET", path + "/connections", Map.of(), null).body());
        }

        assertEquals(200, Cluster.api(b, "POST", "/apps/1/users/alice/terminate_connections", Map.of(), "{}").status());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((alice.closeCode() == -1 || aliceOnB.closeCode() == -1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(4009, alice.closeCode(), "closed on node A by node B's API");
        assertEquals(4009, aliceOnB.closeCode());
        assertEquals(-1, bob.closeCode());
    }
}
