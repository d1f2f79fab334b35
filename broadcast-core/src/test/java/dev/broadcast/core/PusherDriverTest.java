package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.PartialFailure;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.transport.ApiResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pusher driver against a loopback HTTP server: signing, bodies, splitting, batching, errors. */
class PusherDriverTest {

    private static final String KEY = Fixture.KEY;
    private static final String SECRET = Fixture.SECRET;

    @BroadcastOn("orders")
    public record OrderShipped(long id) {
    }

    @Test
    void theHubsOwnApiAcceptsTheSignedRequestsAndDeliversWithToOthers() throws Exception {
        try (Fixture fixture = Fixture.create(Instant.now(), b -> b);
                ApiServer server = ApiServer.forwardingTo(fixture.hub);
                DispatchingBroadcaster broadcaster = Broadcasters.pusher(server.uri(), Fixture.ID, KEY, SECRET)) {
            FixtureClient sender = fixture.connect();
            FixtureClient other = fixture.connect();
            sender.subscribe("orders");
            other.subscribe("orders");
            int senderMark = sender.mark();

            BroadcastReceipt receipt = broadcaster.toOthers(sender.socketId()).broadcast(new OrderShipped(7))
                    .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            broadcaster.on(Channel.of("orders")).as("marker").sendNow();

            assertEquals(new BroadcastReceipt("OrderShipped", List.of(Channel.of("orders")), OptionalInt.empty()), receipt);
            Wire.assertStringData("{\"event\":\"OrderShipped\",\"channel\":\"orders\"}", "{\"id\":7}",
                    other.frames().get(other.frames().size() - 2));
            assertEquals(List.of("marker"), sender.since(senderMark).stream().map(f -> f.get("event").asText()).toList(),
                    "the sender got the marker but not the event it was left out of");
            assertTrue(server.requests().stream().allMatch(r -> r.protocol().equals("HTTP/1.1")));
        }
    }

    @Test
    void requestsAreSignedAsPusherSpecifies() throws Exception {
        try (ApiServer server = ApiServer.ok()) {
            BroadcastDriver driver = Broadcasters.pusherDriver(server.uri(), Fixture.ID, KEY, SECRET);
            long before = Instant.now().getEpochSecond();

            driver.send(broadcast("order.shipped", "{\"id\":7}", "4.5", Channel.of("orders"), Channel.presence("r")));

            ApiServer.Request request = server.requests().get(0);
            assertEquals("POST", request.method());
            assertEquals("/apps/3/events", request.path());
            assertEquals("application/json", request.header("Content-type"));
            assertNull(request.header("Upgrade"), "HTTP/1.1 without an h2c upgrade offer");
            Wire.assertJson("{\"name\":\"order.shipped\",\"data\":\"{\\\"id\\\":7}\",\"socket_id\":\"4.5\","
                    + "\"channels\":[\"orders\",\"presence-r\"]}", request.json());
            assertSigned(request, before);
        }
    }

    @Test
    void aPathPrefixInTheBaseUrlIsKeptAndSigned() throws Exception {
        try (ApiServer server = ApiServer.ok()) {
            BroadcastDriver driver = Broadcasters.pusherDriver(URI.create(server.uri() + "/pusher/"), Fixture.ID, KEY, SECRET);
            long before = Instant.now().getEpochSecond();

            driver.send(broadcast("e", "{}", null, Channel.of("orders")));

            ApiServer.Request request = server.requests().get(0);
            assertEquals("/pusher/apps/3/events", request.path());
            assertSigned(request, before);
            Wire.assertJson("{\"name\":\"e\",\"data\":\"{}\",\"channels\":[\"orders\"]}", request.json());
        }
    }

    @Test
    void moreThan100ChannelsAreSplitOverSeveralSignedRequests() throws Exception {
        try (ApiServer server = ApiServer.ok()) {
            BroadcastDriver driver = Broadcasters.pusherDriver(server.uri(), Fixture.ID, KEY, SECRET);
            List<Channel> channels = IntStream.range(0, 250).mapToObj(i -> (Channel) Channel.of("c" + i)).toList();
            long before = Instant.now().getEpochSecond();

            BroadcastReceipt receipt = driver.send(new ResolvedBroadcast(null, "e", channels, "{}", null, false));

            assertEquals(channels, receipt.channels());
            List<ApiServer.Request> requests = server.requests();
            assertEquals(List.of(100, 100, 50), requests.stream().map(r -> r.json().get("channels").size()).toList());
            assertEquals("c0", requests.get(0).json().get("channels").get(0).asText());
            assertEquals("c100", requests.get(1).json().get("channels").get(0).asText());
            assertEquals("c249", requests.get(2).json().get("channels").get(49).asText());
            for (ApiServer.Request request : requests) {
                assertSigned(request, before);
            }
        }
    }

    @Test
    void consecutiveSingleChannelBroadcastsGoOutAsBatchesOfAtMostTen() throws Exception {
        try (ApiServer server = ApiServer.ok()) {
            BroadcastDriver driver = Broadcasters.pusherDriver(server.uri(), Fixture.ID, KEY, SECRET);
            List<ResolvedBroadcast> list = new ArrayList<>();
            list.add(broadcast("s0", "0", "1.1", Channel.of("a")));
            list.add(broadcast("s1", "1", null, Channel.privateChannel("b")));
            list.add(broadcast("multi", "2", null, Channel.of("a"), Channel.of("b")));
            for (int i = 3; i < 15; i++) {
                list.add(broadcast("s" + i, Integer.toString(i), null, Channel.of("a")));
            }
            list.add(broadcast("multi2", "15", null, Channel.of("a"), Channel.of("c")));
            list.add(broadcast("alone", "16", null, Channel.of("a")));
            long before = Instant.now().getEpochSecond();

            List<BroadcastReceipt> receipts = driver.sendAll(list);

            assertEquals(list.stream().map(ResolvedBroadcast::name).toList(),
                    receipts.stream().map(BroadcastReceipt::event).toList());
            List<ApiServer.Request> requests = server.requests();
            assertEquals(List.of("/apps/3/batch_events", "/apps/3/events", "/apps/3/batch_events",
                    "/apps/3/batch_events", "/apps/3/events", "/apps/3/events"),
                    requests.stream().map(ApiServer.Request::path).toList());
            Wire.assertJson("{\"batch\":[{\"name\":\"s0\",\"data\":\"0\",\"socket_id\":\"1.1\",\"channel\":\"a\"},"
                    + "{\"name\":\"s1\",\"data\":\"1\",\"channel\":\"private-b\"}]}", requests.get(0).json());
            assertEquals(names("s", 3, 13), batchNames(requests.get(2)));
            assertEquals(names("s", 13, 15), batchNames(requests.get(3)));
            assertEquals("alone", requests.get(5).json().get("name").asText());
            for (ApiServer.Request request : requests) {
                assertSigned(request, before);
            }
        }
    }

    @Test
    void queuedBroadcastsWaitingTogetherAreBatchedInOrder() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ApiServer server = new ApiServer(request -> {
                    firstArrived.countDown();
                    await(release);
                    return new ApiResponse(200, "{}");
                });
                DispatchingBroadcaster broadcaster = Broadcasters.pusher(server.uri(), Fixture.ID, KEY, SECRET)) {
            List<CompletableFuture<BroadcastReceipt>> stages = new ArrayList<>();
            stages.add(send(broadcaster, "e0"));
            assertTrue(firstArrived.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 12; i++) {
                stages.add(send(broadcaster, "e" + i));
            }
            release.countDown();
            stages.forEach(s -> s.orTimeout(10, TimeUnit.SECONDS).join());

            List<ApiServer.Request> requests = server.requests();
            assertEquals(List.of("/apps/3/events", "/apps/3/batch_events", "/apps/3/batch_events"),
                    requests.stream().map(ApiServer.Request::path).toList());
            assertEquals(names("e", 1, 11), batchNames(requests.get(1)));
            assertEquals(names("e", 11, 13), batchNames(requests.get(2)));
        }
    }

    @Test
    void aRefusalGivesTheStatusAndBodyAndFailsOnlyTheBroadcastsOfThatRequest() throws Exception {
        try (ApiServer server = new ApiServer(request -> request.path().endsWith("/batch_events")
                ? new ApiResponse(413, "{\"error\":\"Event data is larger than 10240 bytes\"}")
                : new ApiResponse(200, "{}"))) {
            BroadcastDriver driver = Broadcasters.pusherDriver(server.uri(), Fixture.ID, KEY, SECRET);
            List<ResolvedBroadcast> list = List.of(broadcast("a", "1", null, Channel.of("x")),
                    broadcast("b", "2", null, Channel.of("x")), broadcast("c", "3", null, Channel.of("x"), Channel.of("y")));

            PartialFailure partial = assertThrows(PartialFailure.class, () -> driver.sendAll(list));

            String refusal = "POST " + server.uri() + "/apps/3/batch_events for batch of 2 events (a, …) answered 413:"
                    + " {\"error\":\"Event data is larger than 10240 bytes\"}";
            List<Object> outcomes = partial.outcomes();
            assertEquals(refusal, ((BroadcastException) outcomes.get(0)).getMessage());
            assertEquals(refusal, ((BroadcastException) outcomes.get(1)).getMessage());
            assertEquals("c", ((BroadcastReceipt) outcomes.get(2)).event());
            assertEquals("2 of 3 broadcasts failed; the first: " + refusal, partial.getMessage());
        }
        try (ApiServer server = new ApiServer(request -> new ApiResponse(401, "x".repeat(2000)))) {
            BroadcastException e = assertThrows(BroadcastException.class, () -> Broadcasters
                    .pusherDriver(server.uri(), Fixture.ID, KEY, "wrong").send(broadcast("e", "{}", null, Channel.of("x"))));
            assertEquals("POST " + server.uri() + "/apps/3/events for event e answered 401: " + "x".repeat(500) + "…",
                    e.getMessage(), "a long body is cut");
        }
    }

    @Test
    void anUnreachableServerIsABroadcastExceptionWithTheCause() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port);
        try (DispatchingBroadcaster broadcaster = Broadcasters.pusher(uri, Fixture.ID, KEY, SECRET)) {
            BroadcastException e = assertThrows(BroadcastException.class,
                    () -> broadcaster.on(Channel.of("x")).as("e").sendNow());

            assertTrue(e.getMessage().startsWith("POST " + uri + "/apps/3/events for event e failed: java.net.ConnectException"),
                    e.getMessage());
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void encryptedChannelsAreRefusedBeforeAnyRequest() throws Exception {
        try (ApiServer server = ApiServer.ok()) {
            BroadcastDriver driver = Broadcasters.pusherDriver(server.uri(), Fixture.ID, KEY, SECRET);

            BroadcastException e = assertThrows(BroadcastException.class,
                    () -> driver.send(broadcast("e", "{}", null, Channel.encryptedPrivate("vault"))));

            assertEquals("The pusher driver cannot encrypt: event e is for the encrypted channel private-encrypted-vault,"
                    + " whose payload must be encrypted with the app's encryption master key, which this driver does not"
                    + " have", e.getMessage());
            assertEquals(List.of(), server.requests());
        }
    }

    @Test
    void badSettingsAreRefusedWhenTheDriverIsMade() {
        URI ok = URI.create("http://127.0.0.1:1");
        assertEquals("The server URL must be http or https with a host: ftp://host", assertThrows(
                IllegalArgumentException.class, () -> Broadcasters.pusherDriver(URI.create("ftp://host"), "1", "k", "s"))
                .getMessage());
        assertEquals("The server URL must have no query or fragment: http://host/?a=1", assertThrows(
                IllegalArgumentException.class, () -> Broadcasters.pusherDriver(URI.create("http://host/?a=1"), "1", "k", "s"))
                .getMessage());
        assertEquals("The key must not be empty", assertThrows(IllegalArgumentException.class,
                () -> Broadcasters.pusherDriver(ok, "1", " ", "s")).getMessage());
        assertEquals("The secret must not be empty", assertThrows(IllegalArgumentException.class,
                () -> Broadcasters.pusherDriver(ok, "1", "k", null)).getMessage());
        assertEquals("The app id may only contain A-Z a-z 0-9 . _ ~ -: a/b", assertThrows(IllegalArgumentException.class,
                () -> Broadcasters.pusherDriver(ok, "a/b", "k", "s")).getMessage());
    }

    // --- helpers ---

    private static ResolvedBroadcast broadcast(String name, String payload, String except, Channel... channels) {
        return new ResolvedBroadcast(null, name, List.of(channels), payload, except, false);
    }

    private static CompletableFuture<BroadcastReceipt> send(DispatchingBroadcaster broadcaster, String name) {
        return broadcaster.on(Channel.of("orders")).as(name).with(Map.of("n", name)).send().toCompletableFuture();
    }

    private static List<String> names(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> batchNames(ApiServer.Request request) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : request.json().get("batch")) {
            names.add(item.get("name").asText());
        }
        return names;
    }

    /**
     * The query has exactly Pusher's parameters: auth_key, a current auth_timestamp, auth_version
     * 1.0, the body's MD5, and the HMAC-SHA256 of method, path and the sorted other parameters,
     * recomputed with the tests' own crypto.
     */
    private static void assertSigned(ApiServer.Request request, long notBefore) {
        Map<String, String> query = new TreeMap<>(request.query());
        assertEquals(List.of("auth_key", "auth_signature", "auth_timestamp", "auth_version", "body_md5"),
                List.copyOf(query.keySet()));
        assertEquals(KEY, query.get("auth_key"));
        assertEquals("1.0", query.get("auth_version"));
        long timestamp = Long.parseLong(query.get("auth_timestamp"));
        assertTrue(timestamp >= notBefore && timestamp <= Instant.now().getEpochSecond(), "timestamp " + timestamp);
        assertEquals(Crypto.md5Hex(request.body()), query.get("body_md5"));
        String signature = query.remove("auth_signature");
        StringBuilder canonical = new StringBuilder();
        query.forEach((k, v) -> canonical.append(canonical.length() == 0 ? "" : "&").append(k).append('=').append(v));
        assertEquals(Crypto.hmacHex(SECRET, "POST\n" + request.path() + "\n" + canonical), signature);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
