package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.ShouldBroadcastNow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local driver end to end: events through a real hub to fake transports. */
class LocalDriverTest {

    @BroadcastOn("orders")
    @BroadcastOn(value = "customer.{customer}", type = ChannelType.PRIVATE)
    @BroadcastAs("order.shipped")
    public record OrderShipped(long id, String customer, Instant at) {
    }

    public record Alert(String text) implements ShouldBroadcastNow {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.presence("room.1"));
        }
    }

    @Test
    void subscribersGetTheExactFrameAndTheReceiptCountsConnections() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster broadcaster = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient orders1 = subscribed(fixture, "orders");
            FixtureClient orders2 = subscribed(fixture, "orders");
            FixtureClient customer = subscribed(fixture, "private-customer.ann");
            FixtureClient bystander = subscribed(fixture, "private-customer.bob");
            int mark = bystander.mark();

            BroadcastReceipt receipt = join(broadcaster.broadcast(
                    new OrderShipped(7, "ann", Instant.parse("2024-05-01T12:00:00Z"))).toCompletableFuture());

            String data = "{\\\"id\\\":7,\\\"customer\\\":\\\"ann\\\",\\\"at\\\":\\\"2024-05-01T12:00:00Z\\\"}";
            assertEquals("{\"event\":\"order.shipped\",\"channel\":\"orders\",\"data\":\"" + data + "\"}", lastRaw(orders1));
            assertEquals(lastRaw(orders1), lastRaw(orders2));
            assertEquals("{\"event\":\"order.shipped\",\"channel\":\"private-customer.ann\",\"data\":\"" + data + "\"}",
                    lastRaw(customer));
            assertEquals(List.of(), bystander.since(mark));
            assertEquals(new BroadcastReceipt("order.shipped",
                    List.of(Channel.of("orders"), Channel.privateChannel("customer.ann")), OptionalInt.of(3)), receipt);
        }
    }

    @Test
    void toOthersLeavesOutExactlyThatConnection() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster broadcaster = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient sender = subscribed(fixture, "orders");
            FixtureClient a = subscribed(fixture, "orders");
            FixtureClient b = subscribed(fixture, "orders");
            int senderMark = sender.mark();

            BroadcastReceipt receipt = join(broadcaster.toOthers(sender.socketId())
                    .broadcast(new OrderShipped(1, "ann", Instant.EPOCH)).toCompletableFuture());
            BroadcastReceipt anonymous = broadcaster.on(Channel.of("orders")).as("note").with(Map.of("n", 1))
                    .toOthers(sender.socketId()).sendNow();

            assertEquals(OptionalInt.of(2), receipt.connections());
            assertEquals(OptionalInt.of(2), anonymous.connections());
            assertEquals(List.of(), sender.since(senderMark));
            for (FixtureClient other : List.of(a, b)) {
                List<String> events = other.transport.eventNames();
                assertEquals(List.of("order.shipped", "note"), events.subList(events.size() - 2, events.size()));
            }
        }
    }

    @Test
    void aNowEventHasReachedItsSubscribersWhenBroadcastReturns() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster broadcaster = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient member = fixture.connect();
            member.subscribePresence("presence-room.1", "{\"user_id\":\"1\"}");

            CompletableFuture<BroadcastReceipt> stage = broadcaster.broadcast(new Alert("hi")).toCompletableFuture();

            assertTrue(stage.isDone());
            JsonNode frame = member.last();
            Wire.assertStringData("{\"event\":\"Alert\",\"channel\":\"presence-room.1\"}", "{\"text\":\"hi\"}", frame);
            assertEquals(OptionalInt.of(1), stage.join().connections());
        }
    }

    @Test
    void encryptedChannelsAreRefusedBecauseTheLocalDriverCannotEncrypt() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster broadcaster = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient client = subscribed(fixture, "orders");
            int mark = client.mark();

            BroadcastException e = assertThrows(BroadcastException.class, () -> broadcaster
                    .on(Channel.of("orders"), Channel.encryptedPrivate("vault.1")).as("secret").sendNow());

            assertEquals("The local driver cannot encrypt: event secret is for the encrypted channel"
                    + " private-encrypted-vault.1, and the hub relays payloads as given (end-to-end encryption needs"
                    + " the payload encrypted with the app's encryption master key before it is sent)", e.getMessage());
            assertEquals(List.of(), client.since(mark), "nothing sent, not even on the other channel");
        }
    }

    @Test
    void whatTheHubRefusesFailsTheBroadcastWithTheLimit() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster broadcaster = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient client = subscribed(fixture, "orders");
            int mark = client.mark();
            String big = "x".repeat(10_240);

            CompletionException queued = assertThrows(CompletionException.class, () -> join(
                    broadcaster.on(Channel.of("orders")).as("big").with(big).send().toCompletableFuture()));

            BroadcastException e = assertInstanceOf(BroadcastException.class, queued.getCause());
            assertEquals("The hub refused event big: Event data is larger than 10240 bytes (10242 bytes in UTF-8)",
                    e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(List.of(), client.since(mark));
        }
    }

    @Test
    void anAppTheHubDoesNotHostIsRefusedUpFront() {
        try (Fixture fixture = Fixture.create()) {
            assertEquals("The hub hosts no app with id 999", assertThrows(IllegalArgumentException.class,
                    () -> Broadcasters.local(fixture.hub, "999")).getMessage());
        }
    }

    private static FixtureClient subscribed(Fixture fixture, String channel) {
        FixtureClient client = fixture.connect();
        client.subscribe(channel);
        return client;
    }

    private static BroadcastReceipt join(CompletableFuture<BroadcastReceipt> stage) {
        return stage.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static String lastRaw(FixtureClient client) {
        List<String> raw = client.transport.rawFrames();
        return raw.get(raw.size() - 1);
    }
}
