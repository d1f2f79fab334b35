package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code notify(user, notification)}: Laravel's broadcast notification, as laravel-echo's
 * {@code .notification(callback)} receives it. The payload's exact shape, how users resolve to
 * their channel, the channel template and its limits, and every refusal with nothing sent.
 */
class NotificationTest {

    private static final String T = NotificationTest.class.getName() + "$";
    private static final String EVENT = "Illuminate\\Notifications\\Events\\BroadcastNotificationCreated";
    private static final Channel USER_42 = Channel.privateChannel("App.Models.User.42");

    private final RecordingDriver driver = new RecordingDriver();
    private final DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).dispatchOnCallerThread().build();

    @AfterEach
    void close() {
        broadcaster.close();
    }

    public record InvoicePaid(long invoiceId, BigDecimal amount, Instant paidAt) {
    }

    public record User(long id, String name) {
    }

    // --- the payload ---

    @Test
    void theEventIsLaravelsOnTheUsersPrivateChannelWithTheDataThenARandomIdAndTheClassName() {
        InvoicePaid paid = new InvoicePaid(7, new BigDecimal("12.50"), Instant.parse("2024-05-01T12:00:00Z"));

        BroadcastReceipt receipt = broadcaster.notify(new User(42, "ann"), paid).toCompletableFuture().join();

        ResolvedBroadcast sent = single();
        assertEquals(EVENT, Broadcaster.NOTIFICATION_EVENT, "the name laravel-echo listens for");
        assertEquals(EVENT, sent.name());
        assertEquals(List.of(USER_42), sent.channels());
        assertSame(paid, sent.event(), "the notification object, for drivers and fakes");
        assertFalse(sent.now(), "queued like broadcast()");
        assertNull(sent.exceptSocketId());
        JsonNode payload = Wire.parse(sent.payloadJson());
        assertEquals(List.of("invoiceId", "amount", "paidAt", "id", "type"), fieldNames(payload),
                "the notification's own members first, then id and type, as Laravel's array_merge");
        String id = payload.get("id").asText();
        assertEquals("{\"invoiceId\":7,\"amount\":12.50,\"paidAt\":\"2024-05-01T12:00:00Z\",\"id\":\"" + id
                + "\",\"type\":\"" + T + "InvoicePaid\"}", sent.payloadJson());
        assertEquals(4, UUID.fromString(id).version(), "a random UUID: " + id);
        assertEquals(new BroadcastReceipt(EVENT, List.of(USER_42), OptionalInt.of(1)), receipt);
    }

    @Test
    void eachNotificationGetsItsOwnId() {
        InvoicePaid paid = new InvoicePaid(7, BigDecimal.ONE, Instant.EPOCH);
        broadcaster.notify(42L, paid);
        broadcaster.notify(42L, paid);

        List<String> ids = driver.delivered().stream().map(b -> Wire.parse(b.payloadJson()).get("id").asText()).toList();
        assertEquals(2, ids.size());
        assertNotEquals(ids.get(0), ids.get(1));
    }

    public record Reminder(String id, String text) {
    }

    @Test
    void aNotificationsOwnIdIsKeptInItsPlaceAndANullOneReplaced() {
        broadcaster.notify(42L, new Reminder("r-1", "pay"));
        assertEquals("{\"id\":\"r-1\",\"text\":\"pay\",\"type\":\"" + T + "Reminder\"}", single().payloadJson());

        broadcaster.notify(42L, new Reminder(null, "pay"));
        JsonNode replaced = Wire.parse(driver.delivered().get(1).payloadJson());
        assertEquals(List.of("id", "text", "type"), fieldNames(replaced));
        UUID.fromString(replaced.get("id").asText());
    }

    public record Typed(String type, long invoiceId) {
    }

    @Test
    void aNotificationsOwnTypeIsKeptAsLaravelsBroadcastTypeAndANullOneReplaced() {
        broadcaster.notify(42L, new Typed("invoice.paid", 7));
        JsonNode payload = Wire.parse(single().payloadJson());
        assertEquals(List.of("type", "invoiceId", "id"), fieldNames(payload));
        assertEquals("invoice.paid", payload.get("type").asText());

        broadcaster.notify(42L, new Typed(null, 7));
        assertEquals(T + "Typed", Wire.parse(driver.delivered().get(1).payloadJson()).get("type").asText());
    }

    @Test
    void aMapIsANotificationToo() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", "hi");
        data.put("type", "greeting");
        data.put("id", "g-1");

        broadcaster.notify(42L, data);

        assertEquals("{\"message\":\"hi\",\"type\":\"greeting\",\"id\":\"g-1\"}", single().payloadJson());
    }

    @Test
    void theExampleInTheDocsReachesEveryTabOfTheUserButTheSenders() {
        try (Fixture fixture = Fixture.create()) {
            BroadcastHub hub = fixture.hub;
            String appId = Fixture.ID;
            FixtureClient sender = subscribed(fixture, "private-App.Models.User.42");
            FixtureClient otherTab = subscribed(fixture, "private-App.Models.User.42");
            User user = new User(42, "ann");
            String socketId = sender.socketId();
            Instant now = Instant.parse("2024-05-01T12:00:00Z");
            // tag::notify[]
            DispatchingBroadcaster broadcaster = Broadcasters.local(hub, appId);
            broadcaster.notify(user, new InvoicePaid(7, new BigDecimal("12.50"), now));  // user.id() is 42
            broadcaster.notify(42L, new InvoicePaid(8, new BigDecimal("3.00"), now));    // an id stands for its user
            broadcaster.toOthers(socketId).notify(user, new InvoicePaid(9, BigDecimal.ONE, now)); // not the sender's tab
            // end::notify[]
            broadcaster.close(); // delivers what is queued

            assertEquals(List.of(7L, 8L), invoiceIds(sender));
            assertEquals(List.of(7L, 8L, 9L), invoiceIds(otherTab));
            assertEquals(InvoicePaid.class.getName(), Wire.data(otherTab.events(EVENT).get(0)).get("type").asText());
        }
    }

    private static List<Long> invoiceIds(FixtureClient client) {
        return client.events(EVENT).stream().map(frame -> Wire.data(frame).get("invoiceId").asLong()).toList();
    }

    // --- users ---

    /** A bean: the id from getId(). */
    public static final class Account {
        private final long id;

        public Account(long id) {
            this.id = id;
        }

        public long getId() {
            return id;
        }
    }

    /** A public field. */
    public static final class Member {
        public final String id;

        public Member(String id) {
            this.id = id;
        }
    }

    @Test
    void aUserIsARecordABeanAPublicFieldOrItsIdAsNumberStringOrUuid() {
        UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        List<Object> users = List.of(new User(42, "ann"), new Account(42), new Member("42"), 42L, 42, "42", uuid);

        for (Object user : users) {
            broadcaster.notify(user, Map.of("n", 1));
        }

        List<Channel> expected = new ArrayList<>(java.util.Collections.nCopies(6, USER_42));
        expected.add(Channel.privateChannel("App.Models.User." + uuid));
        assertEquals(expected, driver.delivered().stream().map(b -> b.channels().get(0)).toList());
        for (Object user : users) {
            assertEquals(expected.get(users.indexOf(user)), broadcaster.notificationChannel(user), user::toString);
        }
    }

    public record Tenant(String slug) {
    }

    public record TenantUser(Tenant tenant, long id) {
    }

    @Test
    void aCustomTemplateWithTwoPlaceholdersAndADottedPath() {
        try (DispatchingBroadcaster custom = Broadcasters.builder(driver).dispatchOnCallerThread()
                .notificationChannel("tenants.{tenant.slug}.users.{id}").build()) {
            custom.notify(new TenantUser(new Tenant("acme"), 42), Map.of("n", 1));
            custom.notify(7L, Map.of("n", 2));

            assertEquals(List.of(Channel.privateChannel("tenants.acme.users.42"), Channel.privateChannel("tenants.7.users.7")),
                    driver.delivered().stream().map(b -> b.channels().get(0)).toList(),
                    "an id given as the user fills every placeholder");
            assertEquals(Channel.privateChannel("tenants.acme.users.42"),
                    custom.notificationChannel(new TenantUser(new Tenant("acme"), 42)));
        }
    }

    // --- sending: queued, toOthers, limits ---

    @Test
    void notificationsAreQueuedOnTheDispatcherThreadAndAFailureIsInTheStageNotThrown() {
        RecordingDriver failing = new RecordingDriver().failWhen(b -> true);
        try (LogCapture log = new LogCapture(); DispatchingBroadcaster queued = Broadcasters.builder(failing).build()) {
            CompletableFuture<BroadcastReceipt> stage = queued.notify(42L, Map.of("n", 1)).toCompletableFuture();

            CompletionException e = assertThrows(CompletionException.class, () -> stage.orTimeout(10, TimeUnit.SECONDS).join());
            assertEquals("refused " + EVENT, assertInstanceOf(BroadcastException.class, e.getCause()).getMessage());
            assertEquals(List.of("broadcast-dispatch"), failing.threads());
            WebhookReceiver.awaitCondition(() -> !log.lines("refused " + EVENT).isEmpty(), java.time.Duration.ofSeconds(10),
                    log::text);
            assertTrue(log.lines("refused " + EVENT).get(0).contains("Broadcast " + EVENT + " on [private-App.Models.User.42]"
                    + " failed"), log::text);
        }
    }

    @Test
    void toOthersLeavesOutTheSocketAndReachesEveryOtherConnectionOfTheUser() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster local = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient sender = subscribed(fixture, "private-App.Models.User.42");
            FixtureClient otherTab = subscribed(fixture, "private-App.Models.User.42");
            FixtureClient someoneElse = subscribed(fixture, "private-App.Models.User.7");
            int senderMark = sender.mark();
            int elseMark = someoneElse.mark();

            BroadcastReceipt receipt = local.toOthers(sender.socketId()).notify(new User(42, "ann"), new Reminder("r-1", "pay"))
                    .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();

            assertEquals(OptionalInt.of(1), receipt.connections());
            assertEquals(List.of(), sender.since(senderMark));
            assertEquals(List.of(), someoneElse.since(elseMark));
            Wire.assertStringData("{\"event\":\"" + EVENT.replace("\\", "\\\\") + "\",\"channel\":\"private-App.Models.User.42\"}",
                    "{\"id\":\"r-1\",\"text\":\"pay\",\"type\":\"" + T + "Reminder\"}", otherTab.last());
        }
        broadcaster.toOthers("1.2").notify(42L, Map.of("n", 1));
        assertEquals("1.2", single().exceptSocketId());
    }

    @Test
    void aPayloadOverTheAppsLimitFailsTheStageAsAnyBroadcast() {
        try (Fixture fixture = Fixture.create(); DispatchingBroadcaster local = Broadcasters.local(fixture.hub, Fixture.ID)) {
            FixtureClient user = subscribed(fixture, "private-App.Models.User.42");
            int mark = user.mark();
            // {"text":"…","id":"<36>","type":"java.util.ImmutableCollections$Map1"}: 10,240 bytes with a text of 10,163
            String fits = "x".repeat(10_240 - "{\"text\":\"\",\"id\":\"\",\"type\":\"java.util.ImmutableCollections$Map1\"}".length() - 36);

            local.notify(42L, Map.of("text", fits)).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            assertEquals(10_240, Wire.data(user.last()).toString().length(), "at the limit: sent");
            int afterFirst = user.mark();
            CompletableFuture<BroadcastReceipt> over = local.notify(42L, Map.of("text", fits + "x")).toCompletableFuture();

            CompletionException e = assertThrows(CompletionException.class, () -> over.orTimeout(10, TimeUnit.SECONDS).join());
            assertEquals("The hub refused event " + EVENT + ": Event data is larger than 10240 bytes (10241 bytes in UTF-8)",
                    assertInstanceOf(BroadcastException.class, e.getCause()).getMessage());
            assertEquals(1, user.since(mark).size());
            assertEquals(List.of(), user.since(afterFirst));
        }
    }

    // --- refusals: on the caller's thread, nothing sent ---

    public record Guest(String name) {
    }

    public record MaybeUser(Long id) {
    }

    public static final class Exploding {
        public long getId() {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void aUserWhosePlaceholderCannotBeResolvedIsRefusedNamingThePropertyAndTheClass() {
        String where = "notificationChannel(\"App.Models.User.{id}\") for user ";
        assertRefused(where + T + "Guest: placeholder {id}: " + T + "Guest has no property id (no record component, getId(),"
                + " isId(), id() or public field id)", () -> broadcaster.notify(new Guest("ann"), Map.of()));
        assertRefused(where + T + "MaybeUser: placeholder {id} is null", () -> broadcaster.notify(new MaybeUser(null), Map.of()));
        assertRefused(where + T + "Exploding: reading placeholder {id} failed: java.lang.IllegalStateException: boom",
                () -> broadcaster.notify(new Exploding(), Map.of()));
        assertRefused(where + T + "Guest: placeholder {id}: " + T + "Guest has no property id (no record component, getId(),"
                + " isId(), id() or public field id)", () -> broadcaster.notificationChannel(new Guest("bob")));
        try (DispatchingBroadcaster dotted = Broadcasters.builder(driver).notificationChannel("tenants.{tenant.slug}.{id}").build()) {
            assertRefused("notificationChannel(\"tenants.{tenant.slug}.{id}\") for user " + T + "TenantUser: placeholder"
                    + " {tenant.slug} cannot be resolved: tenant is null", () -> dotted.notify(new TenantUser(null, 1), Map.of()));
        }
    }

    @Test
    void aUserResolvingToAnInvalidChannelNameIsRefused() {
        String where = "notificationChannel(\"App.Models.User.{id}\") for user java.lang.String";
        assertRefused(where + " resolves to an invalid channel name: Channel name may only contain A-Z a-z 0-9 _ - = @ , . ;"
                + " (found ' ' at 27): private-App.Models.User.ann smith", () -> broadcaster.notify("ann smith", Map.of()));
        String longest = "9".repeat(200 - "private-App.Models.User.".length());
        broadcaster.notify(longest, Map.of());
        assertEquals(200, single().channels().get(0).name().length(), "at the limit: sent");
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> broadcaster.notify(longest + "9", Map.of()));
        assertTrue(tooLong.getMessage().startsWith(where + " resolves to an invalid channel name: Channel name is longer than"
                + " 200 characters"), tooLong.getMessage());
        assertEquals(1, driver.delivered().size(), "the one at the limit only");
    }

    public record Opaque(Object thing) {
    }

    @Test
    void aNotificationThatIsNotAJsonObjectOrCannotBeSerializedIsRefused() {
        String notAnObject = ", not an object: a notification is a record, a bean or a map whose members the user receives";
        assertRefused("The notification java.lang.String serializes to a JSON string" + notAnObject,
                () -> broadcaster.notify(42L, "Your invoice was paid"));
        assertRefused("The notification java.util.ArrayList serializes to a JSON array" + notAnObject,
                () -> broadcaster.notify(42L, new ArrayList<>(List.of(1, 2))));
        assertRefused("The notification java.lang.Integer serializes to a JSON number" + notAnObject,
                () -> broadcaster.notify(42L, 7));
        assertRefused("The notification java.lang.Boolean serializes to a JSON boolean" + notAnObject,
                () -> broadcaster.notify(42L, true));
        assertRefused("Cannot serialize the payload of notification " + T + "Opaque to JSON: No serializer found for class"
                + " java.lang.Object and no properties discovered to create BeanSerializer (to avoid exception, disable"
                + " SerializationFeature.FAIL_ON_EMPTY_BEANS)", () -> broadcaster.notify(42L, new Opaque(new Object())));
    }

    @Test
    void aNullUserOrNotificationIsANullPointerException() {
        assertEquals("user", assertThrows(NullPointerException.class, () -> broadcaster.notify(null, Map.of())).getMessage());
        assertEquals("notification", assertThrows(NullPointerException.class, () -> broadcaster.notify(42L, null)).getMessage());
        assertThrows(NullPointerException.class, () -> broadcaster.toOthers("1.2").notify(null, Map.of()));
        assertThrows(NullPointerException.class, () -> broadcaster.notificationChannel(null));
        assertEquals(List.of(), driver.delivered());
    }

    @Test
    void aToOthersViewRefusesWhatTheBroadcasterRefuses() {
        Broadcaster others = broadcaster.toOthers("1.2");
        assertRefused("notificationChannel(\"App.Models.User.{id}\") for user " + T + "Guest: placeholder {id}: " + T
                + "Guest has no property id (no record component, getId(), isId(), id() or public field id)",
                () -> others.notify(new Guest("ann"), Map.of()));
        assertRefused("The notification java.lang.String serializes to a JSON string, not an object: a notification is a"
                + " record, a bean or a map whose members the user receives", () -> others.notify(42L, "paid"));
    }

    // --- the template, checked when the broadcaster is built ---

    @Test
    void theDefaultTemplateIsLaravelsUserModel() {
        assertEquals("App.Models.User.{id}", DispatchingBroadcaster.DEFAULT_NOTIFICATION_CHANNEL);
        assertEquals(USER_42, broadcaster.notificationChannel(42));
    }

    @Test
    void aTemplateAtTheLengthLimitIsAcceptedAndOnePastItRefused() {
        // private- (8) + 191 literal characters + one character for {id}: 200
        String atLimit = "u".repeat(191) + "{id}";
        try (DispatchingBroadcaster longest = Broadcasters.builder(driver).dispatchOnCallerThread()
                .notificationChannel(atLimit).build()) {
            longest.notify(7L, Map.of());
            assertEquals(200, single().channels().get(0).name().length());
            assertThrows(IllegalArgumentException.class, () -> longest.notify(10L, Map.of()), "201 with a two-digit id");
        }
        String pastLimit = "u".repeat(192) + "{id}";
        assertTemplateRefused(pastLimit, "notificationChannel(\"" + pastLimit + "\") makes channel names longer than 200"
                + " characters with private- even when each placeholder is one character (201)");
        String twoPlaceholders = "u".repeat(190) + "{a}.{b}";
        assertTemplateRefused(twoPlaceholders, "notificationChannel(\"" + twoPlaceholders + "\") makes channel names longer"
                + " than 200 characters with private- even when each placeholder is one character (201)");
        Broadcasters.builder(driver).notificationChannel("u".repeat(189) + "{a}.{b}"); // 8 + 189 + 1 + 2: 200
    }

    @Test
    void malformedTemplatesAreRefusedNamingTheRule() {
        assertTemplateRefused("App.Models.User.{id", "notificationChannel(\"App.Models.User.{id\"): unbalanced '{' at index 16");
        assertTemplateRefused("App.Models.User.id}", "notificationChannel(\"App.Models.User.id}\"): unbalanced '}' at index 18");
        assertTemplateRefused("users.{}", "notificationChannel(\"users.{}\"): empty placeholder {} at index 6");
        assertTemplateRefused("users.{team.}", "notificationChannel(\"users.{team.}\"): placeholder {team.} has an empty"
                + " property name");
        assertTemplateRefused("users", "notificationChannel(\"users\") has no placeholder such as {id}: every user's"
                + " notifications would go to the same channel");
        assertTemplateRefused("private-users.{id}", "notificationChannel(\"private-users.{id}\") starts with private-: give"
                + " the name without its prefix, e.g. \"users.{id}\"");
        assertTemplateRefused("users/{id}", "notificationChannel(\"users/{id}\") cannot make a valid channel name: Channel name"
                + " may only contain A-Z a-z 0-9 _ - = @ , . ; (found '/' at 13): private-users/0");
        assertTemplateRefused("encrypted-users.{id}", "notificationChannel(\"encrypted-users.{id}\") cannot make a valid"
                + " channel name: Channel name 'private-encrypted-users.0' is a ENCRYPTED_PRIVATE name, not a PRIVATE one");
        assertThrows(NullPointerException.class, () -> Broadcasters.builder(driver).notificationChannel(null));
    }

    // --- helpers ---

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static FixtureClient subscribed(Fixture fixture, String channel) {
        FixtureClient client = fixture.connect();
        client.subscribe(channel);
        return client;
    }

    private ResolvedBroadcast single() {
        List<ResolvedBroadcast> delivered = driver.delivered();
        assertEquals(1, delivered.size(), () -> "one delivery: " + driver.names());
        return delivered.get(0);
    }

    private void assertTemplateRefused(String template, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcasters.builder(driver).notificationChannel(template));
        assertEquals(message, e.getMessage());
    }

    /** The call throws IllegalArgumentException with exactly {@code message}; the driver got nothing. */
    private void assertRefused(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(List.of(), driver.delivered(), () -> "sent anyway: " + driver.names());
    }
}
