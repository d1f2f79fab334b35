package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertError;
import static dev.broadcast.core.Wire.assertJson;
import static dev.broadcast.core.Wire.assertSubscriptionError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.transport.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every limit of {@link Limits#DEFAULTS}: the value at the limit is accepted, one past it refused. */
class LimitsTest {

    @Test
    void defaultsArePushers() {
        assertEquals(new Limits(10240, 10240, 200, 100, 10, 100, 1024, 128, 10, 1024 * 1024, Duration.ofSeconds(600), 128),
                Limits.DEFAULTS);
        try (Fixture fixture = Fixture.create()) {
            assertEquals(Limits.DEFAULTS, fixture.app.limits());
        }
    }

    // --- inbound WebSocket message: 10240 bytes ---

    @Test
    void inboundMessageOfExactly10240BytesIsAccepted() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String message = pingOfBytes(10240, "x");

            List<JsonNode> reply = client.send(message);

            assertJson("{\"event\":\"pusher:pong\",\"data\":{}}", reply.get(0));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void inboundMessageOf10241BytesClosesWith1009() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            FixtureClient bystander = fixture.connect();

            List<JsonNode> reply = client.send(pingOfBytes(10241, "x"));

            assertEquals(List.of(), reply);
            assertFalse(client.isOpen());
            assertEquals(1009, client.transport.closeCode());
            assertEquals(Map.of(1009, 1L), fixture.hub.stats().closesByCode());
            assertTrue(bystander.isOpen());
        }
    }

    @Test
    void inboundMessageSizeCountsUtf8BytesNotCharacters() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient ok = fixture.connect();
            FixtureClient over = fixture.connect();
            String at = pingOfBytes(10240, "\u00e9"); // 2 bytes each
            String past = pingOfBytes(10241, "\u00e9");
            assertTrue(past.length() < 6000, "far fewer characters than bytes");

            assertEquals("pusher:pong", ok.send(at).get(0).get("event").asText());
            over.send(past);

            assertTrue(ok.isOpen());
            assertEquals(1009, over.transport.closeCode());
        }
    }

    // --- channel name: 200 characters ---

    @Test
    void channelNameOf200IsAcceptedAnd201Refused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String at = "a".repeat(200);
            String past = "a".repeat(201);
            String privateAt = "private-" + "p".repeat(192);

            assertEquals("pusher_internal:subscription_succeeded", client.subscribe(at).get(0).get("event").asText());
            assertEquals("pusher_internal:subscription_succeeded", client.subscribe(privateAt).get(0).get("event").asText());
            List<JsonNode> reply = client.subscribe(past);

            assertEquals(1, reply.size(), reply::toString);
            assertSubscriptionError(past, "LimitReached", 4009, reply.get(0));
            assertSubscriptionError(privateAt + "p", "LimitReached", 4009, client.subscribe(privateAt + "p").get(0));
            assertEquals(2, fixture.hub.stats().subscriptions());
            assertTrue(client.isOpen());
        }
    }

    // --- event name: 200 characters ---

    @Test
    void httpEventNameOf200IsAcceptedAnd201Refused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            int mark = client.mark();

            ApiResponse at = fixture.triggerApi("name", "e".repeat(200), "channel", "c", "data", "{}");
            ApiResponse past = fixture.triggerApi("name", "e".repeat(201), "channel", "c", "data", "{}");

            assertEquals(new ApiResponse(200, "{}"), at);
            assertEquals(400, past.status());
            assertTrue(Wire.parse(past.body()).get("error").isTextual(), past.body());
            List<JsonNode> received = client.since(mark);
            assertEquals(1, received.size(), received::toString);
            assertEquals("e".repeat(200), received.get(0).get("event").asText());
        }
    }

    @Test
    void clientEventNameOf200IsAcceptedAnd201RefusedWith4301() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            int mark = other.mark();
            String at = "client-" + "x".repeat(193);
            assertEquals(200, at.length());

            assertEquals(List.of(), sender.clientEvent(at, "private-chat", "{}"));
            List<JsonNode> reply = sender.clientEvent(at + "x", "private-chat", "{}");

            assertEquals(1, reply.size(), reply::toString);
            assertError(4301, reply.get(0));
            List<JsonNode> received = other.since(mark);
            assertEquals(1, received.size(), received::toString);
            assertEquals(at, received.get(0).get("event").asText());
            assertTrue(sender.isOpen());
        }
    }

    // --- HTTP event data: 10240 bytes ---

    @Test
    void httpEventDataOf10240BytesIsAcceptedAnd10241Gives413() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            int mark = client.mark();

            ApiResponse at = fixture.triggerApi("name", "e", "channel", "c", "data", "d".repeat(10240));
            ApiResponse past = fixture.triggerApi("name", "e", "channel", "c", "data", "d".repeat(10241));
            ApiResponse pastMultibyte = fixture.triggerApi("name", "e", "channel", "c", "data", "\u00e9".repeat(5120) + "d");
            ApiResponse atMultibyte = fixture.triggerApi("name", "e", "channel", "c", "data", "\u00e9".repeat(5120));

            assertEquals(new ApiResponse(200, "{}"), at);
            assertEquals(413, past.status());
            assertEquals(413, pastMultibyte.status());
            assertEquals(new ApiResponse(200, "{}"), atMultibyte);
            List<JsonNode> received = client.since(mark);
            assertEquals(2, received.size());
            assertEquals("d".repeat(10240), received.get(0).get("data").asText());
            assertEquals("\u00e9".repeat(5120), received.get(1).get("data").asText());
        }
    }

    // --- channels per trigger: 100 ---

    @Test
    void triggerToHundredChannelsIsAcceptedAndHundredOneGives400() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient first = fixture.connect();
            FixtureClient last = fixture.connect();
            first.subscribe("c0");
            last.subscribe("c99");
            List<String> hundred = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                hundred.add("c" + i);
            }
            List<String> hundredOne = new ArrayList<>(hundred);
            hundredOne.add("c100");
            int firstMark = first.mark();

            ApiResponse past = fixture.triggerApi("name", "e", "channels", hundredOne, "data", "past");
            assertEquals(400, past.status());
            assertEquals(List.of(), first.since(firstMark));

            ApiResponse at = fixture.triggerApi("name", "e", "channels", hundred, "data", "at");
            assertEquals(new ApiResponse(200, "{}"), at);
            assertJson("{\"event\":\"e\",\"channel\":\"c0\",\"data\":\"at\"}", first.last());
            assertJson("{\"event\":\"e\",\"channel\":\"c99\",\"data\":\"at\"}", last.last());
        }
    }

    // --- batch size: 10 ---

    @Test
    void batchOfTenIsAcceptedAndElevenGives400() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            int mark = client.mark();

            ApiResponse past = fixture.api(ApiCall.post("/apps/3/batch_events", batch(11)));
            assertEquals(400, past.status());
            assertEquals(List.of(), client.since(mark));

            ApiResponse at = fixture.api(ApiCall.post("/apps/3/batch_events", batch(10)));
            assertEquals(new ApiResponse(200, "{}"), at);
            List<JsonNode> received = client.since(mark);
            assertEquals(10, received.size());
            for (int i = 0; i < 10; i++) {
                assertJson("{\"event\":\"e" + i + "\",\"channel\":\"c\",\"data\":\"" + i + "\"}", received.get(i));
            }
        }
    }

    // --- presence members: 100 distinct users ---

    @Test
    void hundredPresenceMembersAreAcceptedAndTheHundredFirstDistinctUserRefused() {
        try (Fixture fixture = Fixture.create()) {
            List<FixtureClient> members = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                FixtureClient member = fixture.connect();
                List<JsonNode> reply = member.subscribePresence("presence-big", "{\"user_id\":\"u" + i + "\"}");
                assertEquals("pusher_internal:subscription_succeeded", reply.get(0).get("event").asText(), "member " + i);
                members.add(member);
            }
            assertEquals(100, Wire.data(members.get(99).events("pusher_internal:subscription_succeeded").get(0))
                    .get("presence").get("count").intValue());
            int mark = members.get(0).mark();

            FixtureClient late = fixture.connect();
            List<JsonNode> reply = late.subscribePresence("presence-big", "{\"user_id\":\"u100\"}");

            assertEquals(1, reply.size(), reply::toString);
            assertSubscriptionError("presence-big", "LimitReached", 4100, reply.get(0));
            assertTrue(late.isOpen());
            assertEquals(List.of(), members.get(0).since(mark), "no member_added for the refused user");
            assertEquals(100, fixture.hub.stats().subscriptions());
            ApiResponse users = fixture.api(ApiCall.get("/apps/3/channels/presence-big/users"));
            assertEquals(100, Wire.parse(users.body()).get("users").size());
            assertFalse(users.body().contains("\"u100\""), users.body());

            // another connection of a user already present does not add a member, so it still fits
            FixtureClient secondTab = fixture.connect();
            List<JsonNode> again = secondTab.subscribePresence("presence-big", "{\"user_id\":\"u5\"}");
            assertEquals("pusher_internal:subscription_succeeded", again.get(0).get("event").asText());
            assertEquals(List.of(), members.get(0).since(mark));
        }
    }

    // --- user_info: 1024 bytes ---

    @Test
    void userInfoOf1024BytesIsAcceptedAnd1025Refused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String infoAt = "{\"n\":\"" + "i".repeat(1016) + "\"}";
            String infoPast = "{\"n\":\"" + "i".repeat(1017) + "\"}";
            assertEquals(1024, infoAt.getBytes(StandardCharsets.UTF_8).length);

            List<JsonNode> past = client.subscribePresence("presence-a", "{\"user_id\":\"1\",\"user_info\":" + infoPast + "}");
            List<JsonNode> at = client.subscribePresence("presence-a", "{\"user_id\":\"1\",\"user_info\":" + infoAt + "}");

            assertEquals(1, past.size(), past::toString);
            assertSubscriptionError("presence-a", "LimitReached", 4301, past.get(0));
            Wire.assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-a\"}",
                    "{\"presence\":{\"ids\":[\"1\"],\"hash\":{\"1\":" + infoAt + "},\"count\":1}}", at.get(0));
        }
    }

    // --- user_id: 128 characters ---

    @Test
    void userIdOf128CharactersIsAcceptedAnd129Refused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String idAt = "u".repeat(128);

            List<JsonNode> past = client.subscribePresence("presence-a", "{\"user_id\":\"" + idAt + "u\"}");
            List<JsonNode> at = client.subscribePresence("presence-a", "{\"user_id\":\"" + idAt + "\"}");

            assertEquals(1, past.size(), past::toString);
            assertSubscriptionError("presence-a", "LimitReached", 4301, past.get(0));
            assertEquals("[\"" + idAt + "\"]", Wire.data(at.get(0)).get("presence").get("ids").toString());
        }
    }

    // --- client events: 10 per second ---

    @Test
    void tenClientEventsPerSecondPassAndTheEleventhGets4301UntilTheWindowPasses() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("private-chat");
            other.subscribe("private-chat");
            int mark = other.mark();

            for (int i = 0; i < 10; i++) {
                assertEquals(List.of(), sender.clientEvent("client-n", "private-chat", Integer.toString(i)), "event " + i);
            }
            List<JsonNode> eleventh = sender.clientEvent("client-n", "private-chat", "10");

            assertEquals(1, eleventh.size(), eleventh::toString);
            assertError(4301, eleventh.get(0));
            assertTrue(sender.isOpen(), "4301 is never a close");
            assertFalse(sender.transport.closed());
            List<JsonNode> received = other.since(mark);
            assertEquals(10, received.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(i, received.get(i).get("data").intValue());
            }

            fixture.clock.advance(Duration.ofMillis(999));
            assertError(4301, sender.clientEvent("client-n", "private-chat", "11").get(0));

            fixture.clock.advance(Duration.ofMillis(1));
            assertEquals(List.of(), sender.clientEvent("client-n", "private-chat", "12"));
            assertJson("{\"event\":\"client-n\",\"channel\":\"private-chat\",\"data\":12}", other.last());
            assertEquals(11, other.since(mark).size());
        }
    }

    @Test
    void clientEventRateIsPerConnection() {
        try (Fixture fixture = Fixture.withClientEvents()) {
            FixtureClient a = fixture.connect();
            FixtureClient b = fixture.connect();
            FixtureClient other = fixture.connect();
            a.subscribe("private-chat");
            b.subscribe("private-chat");
            other.subscribe("private-chat");
            for (int i = 0; i < 10; i++) {
                a.clientEvent("client-n", "private-chat", "1");
            }
            assertEquals(List.of(), b.clientEvent("client-n", "private-chat", "2"));
        }
    }

    // --- outbound buffer: 1 MiB ---

    @Test
    void queuedOutboundBytesAtTheBoundAreFineAndOneBytePastClosesWith4100() {
        Limits d = Limits.DEFAULTS;
        // events of half the outbound bound: the data limit (a separate check) raised past them
        Limits bigEvents = new Limits(d.maxMessageBytes(), (int) d.maxOutboundBytes(), d.maxEventNameLength(),
                d.maxChannelsPerTrigger(), d.maxBatchSize(), d.maxPresenceMembers(), d.maxUserInfoBytes(),
                d.maxUserIdLength(), d.clientEventsPerSecond(), d.maxOutboundBytes(), d.apiTimestampWindow(),
                d.maxSubscriptionsPerConnection());
        try (Fixture fixture = Fixture.create(b -> b.limits(bigEvents))) {
            long bound = Limits.DEFAULTS.maxOutboundBytes();
            FixtureClient atBound = fixture.connect();
            FixtureClient pastBound = fixture.connect();
            FixtureClient observer = fixture.connect();
            atBound.subscribe("big1");
            pastBound.subscribe("big2");
            observer.subscribe("big1");
            observer.subscribe("big2");
            atBound.transport.stall();
            pastBound.transport.stall();

            fill(fixture, observer, "big1", bound);
            fill(fixture, observer, "big2", bound + 1);

            assertTrue(atBound.isOpen(), "exactly at the bound is fine");
            assertFalse(atBound.transport.closed());
            assertFalse(pastBound.isOpen());
            assertEquals(4100, pastBound.transport.closeCode());
            assertEquals(Map.of(4100, 1L), fixture.hub.stats().closesByCode());
            assertTrue(observer.isOpen());
            assertEquals(1, pastBound.transport.pendingSends(), "only the first frame was ever handed over");
            assertEquals(1, fixture.hub.trigger(Fixture.ID, List.of("big2"), "e", "x", null),
                    "the slow consumer left its channels; only the observer remains");
        }
    }

    /**
     * Makes a stalled subscriber of {@code channel} hold exactly {@code queuedBytes} in its queue: a
     * first frame goes in flight (handed to the transport, no longer queued), then two frames of
     * exactly {@code queuedBytes} together. The observer, which reads, checks the frame sizes.
     */
    private static void fill(Fixture fixture, FixtureClient observer, String channel, long queuedBytes) {
        fixture.hub.trigger(Fixture.ID, List.of(channel), "e", "in-flight", null);
        int overhead = ("{\"event\":\"e\",\"channel\":\"" + channel + "\",\"data\":\"\"}").length();
        long half = queuedBytes / 2;
        String first = "a".repeat((int) (half - overhead));
        String second = "b".repeat((int) (queuedBytes - half - overhead));
        int mark = observer.transport.count();
        fixture.hub.trigger(Fixture.ID, List.of(channel), "e", first, null);
        fixture.hub.trigger(Fixture.ID, List.of(channel), "e", second, null);
        List<String> raw = observer.transport.rawFrames().subList(mark, mark + 2);
        assertEquals(queuedBytes, raw.get(0).getBytes(StandardCharsets.UTF_8).length
                + raw.get(1).getBytes(StandardCharsets.UTF_8).length);
    }

    // --- API timestamp window: 600 s ---

    @Test
    void apiTimestampWithin600SecondsEitherWayIsAcceptedAnd601Refused() {
        try (Fixture fixture = Fixture.create()) {
            long now = Fixture.START.getEpochSecond();
            assertEquals(200, fixture.api(ApiCall.get("/apps/3/channels").timestamp(now - 600)).status());
            assertEquals(200, fixture.api(ApiCall.get("/apps/3/channels").timestamp(now + 600)).status());
            ApiResponse past = fixture.api(ApiCall.get("/apps/3/channels").timestamp(now - 601));
            ApiResponse future = fixture.api(ApiCall.get("/apps/3/channels").timestamp(now + 601));
            assertEquals(401, past.status());
            assertEquals(401, future.status());
            assertTrue(past.body().contains("Timestamp expired"), past.body());
            assertTrue(future.body().contains("Timestamp expired"), future.body());
        }
    }

    @Test
    void apiTimestampWindowRefusalChangesNothing() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.subscribe("c");
            int mark = client.mark();
            long stale = Fixture.START.getEpochSecond() - 601;
            ApiResponse response = fixture.api(ApiCall.post("/apps/3/events",
                    "{\"name\":\"e\",\"channel\":\"c\",\"data\":\"x\"}").timestamp(stale));
            assertEquals(401, response.status());
            assertEquals(List.of(), client.since(mark));
        }
    }

    /** A {@code pusher:ping} whose UTF-8 size is exactly {@code bytes}, padded with {@code pad}. */
    private static String pingOfBytes(int bytes, String pad) {
        String prefix = "{\"event\":\"pusher:ping\",\"data\":\"";
        String suffix = "\"}";
        int padBytes = pad.getBytes(StandardCharsets.UTF_8).length;
        int room = bytes - prefix.length() - suffix.length();
        String message = prefix + pad.repeat(room / padBytes) + "x".repeat(room % padBytes) + suffix;
        assertEquals(bytes, message.getBytes(StandardCharsets.UTF_8).length);
        return message;
    }

    private static String batch(int size) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(Wire.map("name", "e" + i, "channel", "c", "data", Integer.toString(i)));
        }
        return Wire.write(Wire.map("batch", events));
    }

    /** D12: one connection held 100,000 subscriptions; now the 129th is refused and nothing changes. */
    @Test
    void aConnectionMaySubscribeTo128ChannelsAndThe129thIsRefused() {
        int max = Limits.DEFAULTS.maxSubscriptionsPerConnection();
        assertEquals(128, max);
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            for (int i = 1; i <= max; i++) {
                List<JsonNode> reply = client.subscribe(i % 2 == 0 ? "private-c" + i : "c" + i);
                assertEquals("pusher_internal:subscription_succeeded", reply.get(0).path("event").asText(), reply::toString);
            }

            List<JsonNode> refused = client.subscribe("c-one-too-many");

            assertEquals(1, refused.size(), refused::toString);
            assertSubscriptionError("c-one-too-many", "LimitReached", 4100, refused.get(0));
            assertTrue(client.isOpen());
            assertEquals(max, fixture.hub.stats().subscriptions());
            FixtureClient other = fixture.connect();
            assertEquals("pusher_internal:subscription_succeeded",
                    other.subscribe("c-one-too-many").get(0).path("event").asText(), "others are not affected");

            client.unsubscribe("c1");
            assertEquals("pusher_internal:subscription_succeeded",
                    client.subscribe("c-one-too-many").get(0).path("event").asText(), "a freed slot is usable");
        }
    }
}
