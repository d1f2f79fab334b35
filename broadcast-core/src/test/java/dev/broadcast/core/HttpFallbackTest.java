package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pusher-js's HTTP fallback transports against the hub, with exchanges held in memory: the
 * session's lines, rotation, polling, heartbeats, the idle timeout and bad input.
 */
class HttpFallbackTest {

    private static final String BASE = "/app/" + Fixture.KEY + "/123/abcdefgh/";
    private static final String PRESENCE_ANN = "{\"user_id\":\"1\",\"user_info\":{\"name\":\"Ann\"}}";

    @Test
    void aStreamOpensTheSessionAndCarriesEveryFrameAsALine() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange stream = receive(fixture, "xhr_streaming");
            assertEquals(200, stream.status);
            assertEquals("o", stream.lines().get(0));
            assertEquals("pusher:connection_established", stream.messages().get(0).path("event").asText());
            assertEquals("no-store, no-cache, must-revalidate, max-age=0", stream.headers.get("Cache-Control"));

            Exchange send = send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            assertEquals(204, send.status);
            assertTrue(send.ended);
            assertEquals("pusher_internal:subscription_succeeded", stream.messages().get(1).path("event").asText());

            fixture.hub.trigger(Fixture.ID, List.of("news"), "tick", "{\"n\":\"é\\\"\\n\"}", null);
            JsonNode tick = stream.messages().get(2);
            assertEquals("tick", tick.path("event").asText());
            assertEquals("{\"n\":\"é\\\"\\n\"}", tick.path("data").asText(), "quotes, escapes and UTF-8 survive the line");
            assertFalse(stream.ended, "a stream is never ended by the server");
            assertEquals(1, fixture.hub.stats().connections());
        }
    }

    @Test
    void pollsReturnOneAnswerEachAndAreHeldUntilThereIsOne() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange first = receive(fixture, "xhr");
            assertEquals(List.of("o"), first.lines());
            assertTrue(first.ended);
            Exchange second = receive(fixture, "xhr");
            assertTrue(second.ended);
            assertEquals("pusher:connection_established", second.messages().get(0).path("event").asText());

            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            Exchange third = receive(fixture, "xhr");
            assertTrue(third.ended, "the subscription's answer was waiting");
            Exchange held = receive(fixture, "xhr");
            assertFalse(held.ended, "nothing to answer: held");
            fixture.hub.trigger(Fixture.ID, List.of("news"), "tick", "1", null);
            assertTrue(held.ended);
            assertEquals("tick", held.messages().get(0).path("event").asText());

            Exchange idle = receive(fixture, "xhr");
            fixture.scheduler.advance(Duration.ofSeconds(26));
            assertEquals(List.of("h"), idle.lines(), "a held poll is answered with a heartbeat");
            assertTrue(idle.ended);
        }
    }

    @Test
    void aStreamIsLeftForTheNextOnceTheClientWillRotateItAndNothingIsLostOrRepeated() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange stream = receive(fixture, "xhr_streaming");
            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            String data = "x".repeat(9_000);
            for (int i = 0; i < 30; i++) { // 270 KB: past the 256 KiB a client reads from one stream
                fixture.hub.trigger(Fixture.ID, List.of("news"), "e" + i, data, null);
            }
            List<String> seen = new ArrayList<>(events(stream));
            assertTrue(stream.chars() > 256 * 1024, "written " + stream.chars());
            assertTrue(seen.size() < 30, "the stream took only what the client reads: " + seen.size());
            Exchange next = receive(fixture, "xhr_streaming");
            assertEquals(200, next.status);
            assertFalse(next.lines().contains("o"), "the session goes on: no second open");
            seen.addAll(events(next));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add("e" + i);
            }
            assertEquals(expected, seen);
        }
    }

    @Test
    void aClientThatVanishesLeavesPresenceAtTheSessionTimeout() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribePresence("presence-room", "{\"user_id\":\"2\"}");
            Exchange stream = receive(fixture, "xhr_streaming");
            String socketId = stream.messages().get(0).path("data").asText().replaceAll(".*\"socket_id\":\"([^\"]+)\".*", "$1");
            String auth = Crypto.presenceAuth(Fixture.KEY, Fixture.SECRET, socketId, "presence-room", PRESENCE_ANN);
            String subscribe = Wire.write(Wire.map("event", "pusher:subscribe", "data",
                    Wire.map("channel", "presence-room", "auth", auth, "channel_data", PRESENCE_ANN)));
            send(fixture, Wire.write(List.of(subscribe)));
            assertEquals("pusher_internal:subscription_succeeded", stream.messages().get(1).path("event").asText());
            int mark = watcher.mark();

            fixture.scheduler.advance(Duration.ofSeconds(50)); // heartbeats, unanswered
            assertTrue(stream.lines().contains("h"));
            assertEquals(List.of(), watcher.since(mark), "still a member within the timeout");
            fixture.scheduler.advance(Duration.ofSeconds(15));
            List<JsonNode> left = watcher.since(mark);
            assertEquals(1, left.size(), left::toString);
            assertEquals("pusher_internal:member_removed", left.get(0).path("event").asText());
            assertEquals(1, fixture.hub.stats().connections(), "only the watcher");
            assertEquals(404, send(fixture, "[]").status, "the session is gone");
        }
    }

    @Test
    void aClientThatDropsItsStreamLeavesAtOnceAndOneThatRotatesItStays() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient watcher = fixture.connect();
            watcher.subscribe("news");
            Exchange stream = receive(fixture, "xhr_streaming");
            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            for (int i = 0; i < 30; i++) {
                fixture.hub.trigger(Fixture.ID, List.of("news"), "e" + i, "x".repeat(9_000), null);
            }
            stream.abort.run(); // rotated: pusher-js drops the stream the session has left
            assertEquals(2, fixture.hub.stats().connections(), "a rotation is not a goodbye");
            Exchange next = receive(fixture, "xhr_streaming");
            assertEquals(200, next.status);
            next.abort.run(); // pusher-js disconnects: it drops the stream it reads from
            assertEquals(1, fixture.hub.stats().connections(), "the session ended with its stream");
            assertEquals(404, send(fixture, "[]").status);
        }
    }

    @Test
    void aStreamDroppedWhileItsSessionOpensLeavesNothingBehind() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange stream = new Exchange("POST", BASE + "xhr_streaming", "", null);
            stream.droppedAlready = true;
            fixture.hub.serveFallback(stream);
            assertEquals(0, fixture.hub.stats().connections(), "the connection opened for it is closed");
            assertEquals(404, send(fixture, "[]").status, "the session is gone");
        }
    }

    @Test
    void tenThousandAbandonedSessionsAreAllReaped() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            long before = usedHeapAfterGc();
            for (int i = 0; i < 10_000; i++) {
                String session = String.format("%08d", i).replace('8', 'a').replace('9', 'b');
                Exchange poll = exchange(fixture, "POST", "/app/" + Fixture.KEY + "/" + (i % 1000) + "/" + session + "/xhr", "");
                assertEquals(List.of("o"), poll.lines());
            }
            assertEquals(10_000, fixture.hub.stats().connections());
            long held = usedHeapAfterGc();
            fixture.scheduler.advance(Duration.ofSeconds(66)); // nobody comes back: reaped within the timeout and a sweep (5 s)
            assertEquals(0, fixture.hub.stats().connections(), "every abandoned session reaped");
            long after = usedHeapAfterGc();
            System.out.printf("10,000 HTTP sessions: heap %d KB before, %d KB held, %d KB after reaping%n",
                    before / 1024, held / 1024, after / 1024);
            assertTrue(after - before < (held - before) / 4, "the sessions' memory is released: " + before + " -> " + after);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    @Test
    void aNodeWithAHostnamePinsItsSessionsToItself() throws IOException {
        try (Fixture fixture = Fixture.create(b -> b, hub -> hub.httpHostname("node-2.example.com"))) {
            assertEquals("o{\"hostname\":\"node-2.example.com\"}", receive(fixture, "xhr_streaming").lines().get(0));
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> BroadcastHub.builder().httpHostname("node 2"));
        assertTrue(refused.getMessage().startsWith("httpHostname must be a host name"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BroadcastHub.builder().httpHostname("::1"));
    }

    @Test
    void aSessionNobodyReadsIsClosedWith4100AtTheBoundAndToldSoOnItsNextRequest() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange first = receive(fixture, "xhr");
            assertEquals(List.of("o"), first.lines());
            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            String data = "x".repeat(9_000);
            long bound = fixture.app.limits().maxOutboundBytes();
            for (int i = 0; i * 9_000L <= bound + 9_000; i++) { // the client polls no more
                fixture.hub.trigger(Fixture.ID, List.of("news"), "e" + i, data, null);
            }
            assertEquals(1L, fixture.hub.stats().closesByCode().get(4100), "closed as a slow consumer, as a WebSocket is");
            Exchange next = receive(fixture, "xhr");
            String close = next.lines().get(next.lines().size() - 1);
            assertTrue(close.startsWith("c[4100,"), next.lines().toString());
            assertTrue(next.ended);
        }
    }

    @Test
    void aCacheChannelGivesItsLastEventToAnHttpSubscriber() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            fixture.hub.trigger(Fixture.ID, List.of("cache-prices"), "price", "{\"eur\":1}", null);
            Exchange stream = receive(fixture, "xhr_streaming");
            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"cache-prices\\\"}}\"]");
            List<String> events = stream.messages().stream().map(m -> m.path("event").asText()).toList();
            assertTrue(events.contains("price"), "the cached event: " + events);
        }
    }

    @Test
    void pingsAndRequestsKeepASessionAlive() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            receive(fixture, "xhr_streaming");
            for (int i = 0; i < 6; i++) {
                fixture.scheduler.advance(Duration.ofSeconds(25));
                assertEquals(204, send(fixture, "[]").status, "a ping at " + (i + 1) * 25 + " s");
            }
            assertEquals(1, fixture.hub.stats().connections());
        }
    }

    @Test
    void aStreamThatIsNeverIdleStillGetsHeartbeatsSoItsClientIsNotTakenForGone() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange stream = receive(fixture, "xhr_streaming");
            send(fixture, "[\"{\\\"event\\\":\\\"pusher:subscribe\\\",\\\"data\\\":{\\\"channel\\\":\\\"news\\\"}}\"]");
            int answered = 0;
            for (int second = 1; second <= 150; second++) { // an event a second for 150 s: never idle for 25 s
                fixture.scheduler.advance(Duration.ofSeconds(1));
                fixture.hub.trigger(Fixture.ID, List.of("news"), "e" + second, String.valueOf(second), null);
                long heartbeats = stream.lines().stream().filter("h"::equals).count();
                for (; answered < heartbeats; answered++) {
                    assertEquals(204, send(fixture, "[]").status, "pusher-js answers each h with [] (at " + second + " s)");
                }
            }
            assertTrue(answered >= 5, "heartbeats while the stream was busy: " + answered);
            assertEquals(1, fixture.hub.stats().connections(), "the client that answers stays, past the 60 s timeout");
            assertEquals(150, events(stream).size(), "and got every event");
            assertFalse(stream.ended);
        }
    }

    @Test
    void aSessionThatTimesOutWhileAWriteIsInFlightEndsItsStreamWhenTheWriteIsDone() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            Exchange stream = new Exchange("POST", BASE + "xhr_streaming", "", null);
            stream.holdWrites = true;
            fixture.hub.serveFallback(stream);
            assertEquals(1, stream.heldWrites.size(), "the open line, in flight");
            fixture.scheduler.advance(Duration.ofSeconds(65)); // no request from the client: it times out
            assertEquals(0, fixture.hub.stats().connections());
            assertFalse(stream.ended, "not while the write is in flight");
            stream.completeHeldWrites();
            assertTrue(stream.ended, "the client sees its stream end, and reconnects");
        }
    }

    @Test
    void badRequestsGetAStatusAndChangeNothing() throws IOException {
        try (Fixture fixture = Fixture.create()) {
            assertEquals(404, send(fixture, "[]").status, "xhr_send before the session");
            Exchange stream = receive(fixture, "xhr_streaming");
            int lines = stream.lines().size();
            assertEquals(400, send(fixture, "{\"event\":\"x\"}").status, "not an array");
            assertEquals(400, send(fixture, "[1]").status, "not strings");
            assertEquals(400, send(fixture, "[\"a\"").status, "not JSON");
            int max = fixture.hub.maxTransportMessageBytes(Fixture.KEY);
            Exchange big = send(fixture, "[\"" + "x".repeat(max) + "\"]");
            assertEquals(413, big.status, big.body());
            Exchange second = receive(fixture, "xhr_streaming");
            assertEquals(409, second.status, "a second stream on the session");
            assertTrue(second.body().startsWith("{\"error\":\""), second.body());
            assertEquals(404, exchange(fixture, "POST", "/app/" + Fixture.KEY + "/1234/abcdefgh/xhr", "").status, "server > 999");
            assertEquals(404, exchange(fixture, "POST", "/app/" + Fixture.KEY + "/1/ABCDEFGH/xhr", "").status, "session case");
            assertEquals(405, exchange(fixture, "GET", BASE + "xhr", "").status);
            assertEquals(lines, stream.lines().size(), "the session's stream got nothing");
            assertEquals(1, fixture.hub.stats().connections());
        }
    }

    @Test
    void corsFollowsTheAppsAllowedOrigins() throws IOException {
        try (Fixture fixture = Fixture.create(b -> b.allowedOrigins(List.of("https://app.example.com")))) {
            Exchange preflight = new Exchange("OPTIONS", BASE + "xhr_streaming", "", "https://app.example.com");
            fixture.hub.serveFallback(preflight);
            assertEquals(204, preflight.status);
            assertEquals("https://app.example.com", preflight.headers.get("Access-Control-Allow-Origin"));
            assertEquals("Content-Type", preflight.headers.get("Access-Control-Allow-Headers"));
            Exchange stranger = new Exchange("OPTIONS", BASE + "xhr_streaming", "", "https://evil.example");
            fixture.hub.serveFallback(stranger);
            assertFalse(stranger.headers.containsKey("Access-Control-Allow-Origin"));
            Exchange refused = new Exchange("POST", BASE + "xhr_streaming", "", "https://evil.example");
            fixture.hub.serveFallback(refused);
            assertEquals(4009, refused.lines().stream().filter(l -> l.startsWith("c")).map(l -> Wire.parse(l.substring(1)).get(0).asInt())
                    .findFirst().orElse(-1), "the engine refuses the origin as on a WebSocket: " + refused.lines());
        }
    }

    // ---- helpers

    private static List<String> events(Exchange stream) {
        List<String> names = new ArrayList<>();
        for (JsonNode message : stream.messages()) {
            String event = message.path("event").asText();
            if (event.startsWith("e")) {
                names.add(event);
            }
        }
        return names;
    }

    private static Exchange receive(Fixture fixture, String kind) throws IOException {
        return exchange(fixture, "POST", BASE + kind, "");
    }

    private static Exchange send(Fixture fixture, String body) throws IOException {
        return exchange(fixture, "POST", BASE + "xhr_send", body);
    }

    private static Exchange exchange(Fixture fixture, String method, String path, String body) throws IOException {
        Exchange exchange = new Exchange(method, path, body, null);
        fixture.hub.serveFallback(exchange);
        return exchange;
    }

    /** An exchange held in memory; writes complete at once. */
    static final class Exchange implements FallbackExchange {
        final String method;
        final String path;
        final byte[] requestBody;
        final String origin;
        int status = -1;
        Map<String, String> headers = Map.of();
        final StringBuilder written = new StringBuilder();
        boolean ended;
        Runnable abort;
        /** The client dropped the request before the hub listened for that (a closed socket's close future). */
        boolean droppedAlready;

        Exchange(String method, String path, String body, String origin) {
            this.method = method;
            this.path = path;
            this.requestBody = body.getBytes(StandardCharsets.UTF_8);
            this.origin = origin;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return "protocol=7&client=js&version=8.4.0";
        }

        @Override
        public String origin() {
            return origin;
        }

        @Override
        public byte[] body(int max) {
            return java.util.Arrays.copyOf(requestBody, Math.min(requestBody.length, max + 1));
        }

        @Override
        public synchronized void start(int status, Map<String, String> headers) {
            assertEquals(-1, this.status, "started twice");
            this.status = status;
            this.headers = Map.copyOf(headers);
        }

        @Override
        public void write(byte[] chunk, Transport.SendCallback done) {
            synchronized (this) {
                assertTrue(status > 0, "written before start");
                assertFalse(ended, "written after end");
                written.append(new String(chunk, StandardCharsets.UTF_8));
                if (holdWrites) {
                    heldWrites.add(done);
                    return;
                }
            }
            done.completed(null);
        }

        /** Writes complete only when {@link #completeHeldWrites()} says so, as a slow socket's. */
        boolean holdWrites;
        final List<Transport.SendCallback> heldWrites = new ArrayList<>();

        void completeHeldWrites() {
            List<Transport.SendCallback> done;
            synchronized (this) {
                holdWrites = false;
                done = List.copyOf(heldWrites);
                heldWrites.clear();
            }
            done.forEach(callback -> callback.completed(null));
        }

        @Override
        public synchronized void end() {
            assertFalse(ended, "ended twice");
            ended = true;
        }

        @Override
        public void onAbort(Runnable gone) {
            abort = gone;
            if (droppedAlready) {
                gone.run();
            }
        }

        synchronized String body() {
            return written.toString();
        }

        synchronized long chars() {
            return written.length();
        }

        synchronized List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : written.toString().split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            return lines;
        }

        /** The Pusher messages of the {@code a[…]} lines, in order. */
        List<JsonNode> messages() {
            List<JsonNode> messages = new ArrayList<>();
            for (String line : lines()) {
                if (line.startsWith("a")) {
                    for (JsonNode text : Wire.parse(line.substring(1))) {
                        messages.add(Wire.parse(text.asText()));
                    }
                }
            }
            return messages;
        }
    }
}
