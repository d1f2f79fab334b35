package dev.broadcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.Authorization;
import dev.broadcast.BroadcastException;
import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.ShouldBroadcast;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** A real server per test: routes decide private and presence channels, the broadcaster reaches clients. */
class TestServerTest {

    record User(long id, String name) {
    }

    record MessageSent(long room, String text) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.presence("chat." + room));
        }

        @Override
        public String broadcastAs() {
            return "message.sent";
        }
    }

    static final User ANN = new User(1, "Ann");
    static final User BOB = new User(2, "Bob");

    static final ChannelRoutes<User> ROUTES = ChannelRoutes.<User>create()
            .channel("orders.{owner}", (user, p) -> user.id() == p.getLong("owner"))
            .presence("chat.{room}", (user, p) -> Authorization.member(user.id(), Map.of("name", user.name())));

    private static void awaitConnections(TestServer<?> server, int connections) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.hub().stats().connections() != connections) {
            assertTrue(System.nanoTime() < deadline, () -> "still " + server.hub().stats().connections() + " connections");
            Thread.onSpinWait();
        }
    }

    @Test
    void aPublicChannelNeedsNoUser() {
        try (TestServer<Object> server = TestServer.start(); TestClient guest = server.connect()) {
            guest.subscribe(Channel.of("news")).assertSucceeded();
            server.broadcaster().on(Channel.of("news")).as("headline").with(Map.of("text", "hi")).sendNow();
            assertEquals("hi", guest.assertReceived("news", "headline").get("text").asText());
        }
    }

    @Test
    void aPrivateChannelIsJoinedWhenTheRoutesAllowTheUserAndRefusedWith403WithoutSendingAnythingWhenNot() {
        try (TestServer<User> server = TestServer.start(ROUTES);
                TestClient ann = server.connect(ANN);
                TestClient nobody = server.connect(null)) {
            ann.subscribe(Channel.privateChannel("orders.1")).assertSucceeded();
            assertEquals(1, server.hub().stats().subscriptions());

            long framesIn = server.hub().stats().messagesIn();
            ann.subscribe(Channel.privateChannel("orders.2")).assertFailed(403);
            nobody.subscribe(Channel.privateChannel("orders.1")).assertFailed(403);
            // one frame more, and its answer, prove the refused ones were never sent
            ann.subscribe(Channel.of("news")).assertSucceeded();
            assertEquals(framesIn + 1, server.hub().stats().messagesIn());
            assertEquals(2, server.hub().stats().subscriptions());
        }
    }

    @Test
    void twoConnectionsOfOneUserAreOneMemberOfAPresenceChannel() {
        try (TestServer<User> server = TestServer.start(ROUTES);
                TestClient watcher = server.connect(BOB);
                TestClient annOnPhone = server.connect(ANN);
                TestClient annOnLaptop = server.connect(ANN)) {
            watcher.waits(Duration.ofSeconds(2), Duration.ofMillis(100));
            assertEquals(List.of("2"), watcher.subscribe(Channel.presence("chat.1")).members());

            annOnPhone.subscribe(Channel.presence("chat.1")).assertSucceeded();
            assertEquals("{\"user_id\":\"1\",\"user_info\":{\"name\":\"Ann\"}}",
                    watcher.assertMemberAdded("presence-chat.1", "1").toString());
            assertEquals(List.of("1", "2"), annOnLaptop.subscribe(Channel.presence("chat.1")).members().stream().sorted().toList());
            watcher.assertNotReceived("presence-chat.1", "pusher_internal:member_added");

            annOnPhone.close();
            awaitConnections(server, 2);
            watcher.assertNotReceived("presence-chat.1", "pusher_internal:member_removed");
            annOnLaptop.close();
            watcher.assertMemberRemoved("presence-chat.1", "1");
        }
    }

    @Test
    void theBroadcasterReachesClientsAndEachAssertionConsumesOneMessage() {
        try (TestServer<User> server = TestServer.start(ROUTES); TestClient ann = server.connect(ANN)) {
            ann.subscribe(Channel.presence("chat.1")).assertSucceeded();
            server.broadcaster().broadcast(new MessageSent(1, "hi"));
            assertEquals("{\"room\":1,\"text\":\"hi\"}",
                    ann.assertReceived("presence-chat.1", "message.sent", json -> json.get("text").asText().equals("hi")).toString());

            ann.waits(Duration.ofMillis(300), Duration.ofMillis(100));
            assertThrows(AssertionFailedError.class,
                    () -> ann.assertReceived("presence-chat.1", "message.sent", json -> json.get("text").asText().equals("hi")));
            server.broadcaster().broadcast(new MessageSent(1, "hi"));
            ann.assertReceived("presence-chat.1", "message.sent", json -> json.get("text").asText().equals("hi"));
        }
    }

    @Test
    void toOthersLeavesOutTheSender() {
        try (TestServer<User> server = TestServer.start(ROUTES);
                TestClient ann = server.connect(ANN);
                TestClient bob = server.connect(BOB)) {
            ann.subscribe(Channel.presence("chat.1")).assertSucceeded();
            bob.subscribe(Channel.presence("chat.1")).assertSucceeded();
            server.broadcaster().toOthers(bob.socketId()).broadcast(new MessageSent(1, "from bob"));
            ann.assertReceived("presence-chat.1", "message.sent");
            bob.waits(Duration.ofSeconds(2), Duration.ofMillis(100)).assertNotReceived("presence-chat.1", "message.sent");
        }
    }

    @Test
    void closingTheServerClosesItsClientsWith4200AndReleasesThePort() {
        TestServer<Object> server = TestServer.start();
        TestClient guest = server.connect();
        int port = server.port();
        server.close();

        guest.assertClosed(4200);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        CompletionException refused = assertThrows(CompletionException.class,
                () -> server.broadcaster().on(Channel.of("news")).as("late").send().toCompletableFuture().join());
        assertInstanceOf(BroadcastException.class, refused.getCause());
        server.close(); // again: nothing happens
    }

    @Test
    void clientsOfOtherCodeConnectWithTheUriAndTheAppKeyAndJoinPublicChannelsOnly() throws IOException {
        try (TestServer<User> server = TestServer.start(ROUTES);
                TestClient outsider = TestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), TestServer.APP_KEY)) {
            assertTrue(outsider.socketId().matches("\\d+\\.\\d+"), outsider.socketId());
            outsider.subscribe(Channel.of("news")).assertSucceeded();
            server.broadcaster().on(Channel.of("news")).as("headline").sendNow();
            outsider.assertReceived("news", "headline");
            // no auth endpoint: sent unsigned, refused by the server itself
            outsider.subscribe(Channel.privateChannel("orders.1")).assertFailed(401);

            AssertionFailedError unknownKey = assertThrows(AssertionFailedError.class,
                    () -> TestClient.connect(URI.create("ws://127.0.0.1:" + server.port()), "no-such-key"));
            assertEquals("Expected pusher:connection_established from ws://127.0.0.1:" + server.port()
                    + "/app/no-such-key?protocol=7, but the server answered {\"event\":\"pusher:error\","
                    + "\"data\":{\"code\":4001,\"message\":\"Application does not exist\"}}", unknownKey.getMessage());
        }
    }
}
