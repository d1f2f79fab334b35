package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastNow;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.ShouldBroadcast;
import dev.broadcast.ShouldBroadcastNow;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.broadcasting.EventResolver;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * How events resolve to names, channels and payloads, and every way resolution fails: the exact
 * message, and nothing handed to the driver.
 */
class EventResolutionTest {

    private static final String T = EventResolutionTest.class.getName() + "$";

    private final RecordingDriver driver = new RecordingDriver();
    private final DispatchingBroadcaster broadcaster = Broadcasters.builder(driver).dispatchOnCallerThread().build();

    @AfterEach
    void close() {
        broadcaster.close();
    }

    // --- ShouldBroadcast ---

    public record OrderShipped(long id, String customer) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("orders"), Channel.privateChannel("customer." + customer));
        }
    }

    @Test
    void shouldBroadcastDefaultsToTheSimpleClassNameAndTheRecordAsPayload() {
        OrderShipped event = new OrderShipped(7, "ann");

        ResolvedBroadcast sent = single(event);

        assertSame(event, sent.event());
        assertEquals("OrderShipped", sent.name());
        assertEquals(List.of(Channel.of("orders"), Channel.privateChannel("customer.ann")), sent.channels());
        Wire.assertJson("{\"id\":7,\"customer\":\"ann\"}", Wire.parse(sent.payloadJson()));
        assertNull(sent.exceptSocketId());
        assertFalse(sent.now());
    }

    public record TaskUpdated(long taskId, long projectId, String secretNote) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.privateChannel("project." + projectId));
        }

        @Override
        public String broadcastAs() {
            return "task.updated";
        }

        @Override
        public Object broadcastWith() {
            return Map.of("id", taskId);
        }
    }

    @Test
    void overriddenBroadcastAsAndBroadcastWithAreUsed() {
        ResolvedBroadcast sent = single(new TaskUpdated(42, 7, "not for browsers"));

        assertEquals("task.updated", sent.name());
        assertEquals(List.of(Channel.privateChannel("project.7")), sent.channels());
        assertEquals("{\"id\":42}", sent.payloadJson());
    }

    public record Draft(boolean published) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            throw new AssertionError("broadcastOn() of a skipped event was called");
        }

        @Override
        public Object broadcastWith() {
            throw new AssertionError("broadcastWith() of a skipped event was called");
        }

        @Override
        public boolean broadcastWhen() {
            return published;
        }
    }

    @Test
    void broadcastWhenFalseCompletesWithAReceiptForNoChannelsAndSendsNothing() {
        BroadcastReceipt receipt = broadcaster.broadcast(new Draft(false)).toCompletableFuture().join();

        assertEquals(new BroadcastReceipt("Draft", List.of(), OptionalInt.of(0)), receipt);
        assertEquals(List.of(), driver.delivered());
    }

    @BroadcastAs("order.cancelled")
    public record OrderCancelled(long id) implements ShouldBroadcastNow {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("orders"));
        }
    }

    @BroadcastAs("ignored")
    public record Renamed(long id) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("orders"));
        }

        @Override
        public String broadcastAs() {
            return "renamed";
        }
    }

    @Test
    void broadcastAsOnAShouldBroadcastNamesItUnlessTheMethodIsOverridden() {
        ResolvedBroadcast cancelled = single(new OrderCancelled(1));
        assertEquals("order.cancelled", cancelled.name());
        assertTrue(cancelled.now(), "ShouldBroadcastNow");

        assertEquals("renamed", broadcaster.broadcast(new Renamed(2)).toCompletableFuture().join().event());
    }

    public record Times(Instant at, LocalDate day, OffsetDateTime when, Duration took) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("times"));
        }
    }

    @Test
    void javaTimeValuesAreIso8601Strings() {
        ResolvedBroadcast sent = single(new Times(Instant.parse("2024-05-01T12:00:00Z"), LocalDate.of(2024, 5, 1),
                OffsetDateTime.of(2024, 5, 1, 14, 30, 0, 0, ZoneOffset.ofHours(2)), Duration.ofMillis(1500)));

        assertEquals("{\"at\":\"2024-05-01T12:00:00Z\",\"day\":\"2024-05-01\",\"when\":\"2024-05-01T14:30:00+02:00\","
                + "\"took\":\"PT1.5S\"}", sent.payloadJson());
    }

    // --- annotations ---

    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("agent.output")
    public record AgentOutputReceived(long taskId, String line, String type) {
    }

    @Test
    void annotatedRecordResolvesPlaceholdersFromRecordComponents() {
        AgentOutputReceived event = new AgentOutputReceived(7, "compiling", "stdout");

        ResolvedBroadcast sent = single(event);

        assertSame(event, sent.event());
        assertEquals("agent.output", sent.name());
        assertEquals(List.of(Channel.privateChannel("task.7")), sent.channels());
        assertEquals("{\"taskId\":7,\"line\":\"compiling\",\"type\":\"stdout\"}", sent.payloadJson());
        assertFalse(sent.now());
    }

    /** A bean: getX() and isX() getters, a public field and a plain x() method. */
    @BroadcastOn("project.{projectId}.{archived}")
    @BroadcastOn("room.{room}")
    @BroadcastOn("slug.{slug}")
    public static final class ProjectChanged {
        public final String room = "lobby";
        private final long projectId;

        public ProjectChanged(long projectId) {
            this.projectId = projectId;
        }

        public long getProjectId() {
            return projectId;
        }

        public boolean isArchived() {
            return true;
        }

        public String slug() {
            return "p-" + projectId;
        }
    }

    @Test
    void annotatedClassResolvesGettersPublicFieldsAndPlainMethods() {
        ResolvedBroadcast sent = single(new ProjectChanged(5));

        assertEquals("ProjectChanged", sent.name(), "the simple class name without @BroadcastAs");
        assertEquals(List.of(Channel.of("project.5.true"), Channel.of("room.lobby"), Channel.of("slug.p-5")),
                sent.channels());
        Wire.assertJson("{\"room\":\"lobby\",\"projectId\":5,\"archived\":true}", Wire.parse(sent.payloadJson()));
    }

    public record Task(long id, long projectId, Owner owner, String name) {
    }

    /** A non-record in the middle of a dotted path. */
    public static final class Owner {
        private final String id;

        public Owner(String id) {
            this.id = id;
        }

        public String getId() {
            return id;
        }
    }

    @BroadcastOn(value = "project.{task.projectId}", type = ChannelType.PRESENCE)
    @BroadcastOn(value = "user.{task.owner.id}", type = ChannelType.PRIVATE)
    @BroadcastOn(value = "vault.{task.id}", type = ChannelType.ENCRYPTED_PRIVATE)
    @BroadcastOn("tasks")
    @BroadcastAs("task.moved")
    @BroadcastNow
    public record TaskMoved(Task task) {
    }

    @Test
    void dottedPathsRepeatedChannelsOfEveryTypeAndBroadcastNow() {
        ResolvedBroadcast sent = single(new TaskMoved(new Task(3, 9, new Owner("u1"), "write docs")));

        assertEquals("task.moved", sent.name());
        assertEquals(List.of(Channel.presence("project.9"), Channel.privateChannel("user.u1"),
                Channel.encryptedPrivate("vault.3"), Channel.of("tasks")), sent.channels());
        assertTrue(sent.now(), "@BroadcastNow");
    }

    @Test
    void anonymousBroadcastsCarryTheirNameChannelsPayloadAndExclusion() {
        BroadcastReceipt receipt = broadcaster.on(Channel.of("orders"), Channel.presence("room.1")).as("order.shipped")
                .with(Map.of("id", 7)).toOthers("123.456").sendNow();

        ResolvedBroadcast sent = driver.delivered().get(0);
        assertNull(sent.event());
        assertEquals("order.shipped", sent.name());
        assertEquals(List.of(Channel.of("orders"), Channel.presence("room.1")), sent.channels());
        assertEquals("{\"id\":7}", sent.payloadJson());
        assertEquals("123.456", sent.exceptSocketId());
        assertTrue(sent.now());
        assertEquals("order.shipped", receipt.event());

        broadcaster.on(List.of(Channel.of("orders"))).as("ping").send().toCompletableFuture().join();
        ResolvedBroadcast ping = driver.delivered().get(1);
        assertEquals("{}", ping.payloadJson(), "no payload is an empty object");
        assertFalse(ping.now());
        assertNull(ping.exceptSocketId());
    }

    @Test
    void toOthersCarriesTheSocketIdAndViewsCanBeReplaced() {
        broadcaster.toOthers("1.2").broadcast(new OrderShipped(1, "a"));
        broadcaster.toOthers("1.2").toOthers("3.4").broadcast(new OrderShipped(2, "a"));
        broadcaster.toOthers("5.6").on(Channel.of("x")).as("e").send();

        assertEquals(Arrays.asList("1.2", "3.4", "5.6"),
                driver.delivered().stream().map(ResolvedBroadcast::exceptSocketId).toList());
    }

    // --- reflection once per class ---

    @BroadcastOn("cached.{id}")
    public record CachedAnnotated(long id) {
    }

    public record CachedImplemented(long id) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("cached." + id));
        }
    }

    @BroadcastOn("cached.{missing}")
    public record CachedBroken(long id) {
    }

    @Test
    void eachClassIsInspectedOnceFailuresIncluded() {
        long before = EventResolver.inspections();

        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(Channel.of("cached." + i)), single(new CachedAnnotated(i)).channels());
            assertEquals(List.of(Channel.of("cached." + i)), single(new CachedImplemented(i)).channels());
            assertThrows(IllegalArgumentException.class, () -> broadcaster.broadcast(new CachedBroken(1)));
        }

        assertEquals(before + 3, EventResolver.inspections(), "three classes, three inspections");
    }

    // --- every failure, before anything is sent ---

    public record Plain(int x) {
    }

    @Test
    void aClassThatIsNeitherShouldBroadcastNorAnnotatedIsRefused() {
        assertRefused("Cannot broadcast " + T + "Plain: it neither implements dev.broadcast.ShouldBroadcast nor is"
                + " annotated with @dev.broadcast.BroadcastOn", () -> broadcaster.broadcast(new Plain(1)));
        assertThrows(NullPointerException.class, () -> broadcaster.broadcast(null));
    }

    @BroadcastOn("task.{taskid}")
    public record Typo(long taskId) {
    }

    @BroadcastOn("task.{task.project}")
    public record NestedTypo(Task task) {
    }

    @Test
    void aPlaceholderThatNamesNoPropertyIsRefused() {
        assertRefused("@BroadcastOn(\"task.{taskid}\") on " + T + "Typo: placeholder {taskid}: " + T + "Typo has no"
                + " property taskid (no record component, getTaskid(), isTaskid(), taskid() or public field taskid)",
                () -> broadcaster.broadcast(new Typo(1)));
        assertRefused("@BroadcastOn(\"task.{task.project}\") on " + T + "NestedTypo: placeholder {task.project}: "
                + T + "Task has no property project (no record component, getProject(), isProject(), project()"
                + " or public field project)",
                () -> broadcaster.broadcast(new NestedTypo(new Task(1, 2, null, "n"))));
    }

    @BroadcastOn("task.{taskId}")
    public record MaybeId(Long taskId) {
    }

    @BroadcastOn("owner.{task.owner.id}")
    public record OwnedTask(Task task) {
    }

    @Test
    void aNullPlaceholderValueIsRefusedAtTheTopAndInsideADottedPath() {
        assertRefused("@BroadcastOn(\"task.{taskId}\") on " + T + "MaybeId: placeholder {taskId} is null",
                () -> broadcaster.broadcast(new MaybeId(null)));
        assertRefused("@BroadcastOn(\"owner.{task.owner.id}\") on " + T + "OwnedTask: placeholder {task.owner.id}"
                + " cannot be resolved: task is null", () -> broadcaster.broadcast(new OwnedTask(null)));
        assertRefused("@BroadcastOn(\"owner.{task.owner.id}\") on " + T + "OwnedTask: placeholder {task.owner.id}"
                + " cannot be resolved: task.owner is null",
                () -> broadcaster.broadcast(new OwnedTask(new Task(1, 2, null, "n"))));
        assertRefused("@BroadcastOn(\"owner.{task.owner.id}\") on " + T + "OwnedTask: placeholder {task.owner.id}"
                + " is null", () -> broadcaster.broadcast(new OwnedTask(new Task(1, 2, new Owner(null), "n"))));
    }

    /** broadcastOn() returns whatever the test puts in {@code channels}. */
    public record Custom(List<Channel> channels) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return channels;
        }
    }

    @Test
    void broadcastOnReturningANullChannelNullOrNothingIsRefused() {
        assertRefused("broadcastOn() of " + T + "Custom returned a null channel (at index 1)",
                () -> broadcaster.broadcast(new Custom(Arrays.asList(Channel.of("a"), null))));
        assertRefused("broadcastOn() of " + T + "Custom returned null", () -> broadcaster.broadcast(new Custom(null)));
        assertRefused("broadcastOn() of " + T + "Custom returned no channel; an event needs at least one",
                () -> broadcaster.broadcast(new Custom(List.of())));
    }

    @BroadcastOn("user.{name}")
    public record Named(String name) {
    }

    @BroadcastOn("private-x")
    public record WrongPrefix() {
    }

    @Test
    void aPlaceholderResolvingToAnInvalidChannelNameIsRefused() {
        assertRefused("@BroadcastOn(\"user.{name}\") on " + T + "Named resolves to an invalid channel name: Channel name"
                + " may only contain A-Z a-z 0-9 _ - = @ , . ; (found ' ' at 8): user.ann smith",
                () -> broadcaster.broadcast(new Named("ann smith")));
        assertRefused("@BroadcastOn(\"user.{name}\") on " + T + "Named resolves to an invalid channel name: Channel name"
                + " is longer than 200 characters: user." + "n".repeat(196),
                () -> broadcaster.broadcast(new Named("n".repeat(196))));
        assertRefused("@BroadcastOn(\"private-x\") on " + T + "WrongPrefix resolves to an invalid channel name: Channel"
                + " name 'private-x' is a PRIVATE name, not a PUBLIC one", () -> broadcaster.broadcast(new WrongPrefix()));
    }

    @BroadcastOn("task.{id")
    public record OpenBrace(long id) {
    }

    @BroadcastOn("task.id}")
    public record CloseBrace(long id) {
    }

    @BroadcastOn("task.{a{id}}")
    public record NestedBrace(long id) {
    }

    @BroadcastOn("task.{}")
    public record EmptyPlaceholder(long id) {
    }

    @BroadcastOn("task.{id.}")
    public record EmptySegment(long id) {
    }

    @Test
    void malformedTemplatesAreRefused() {
        assertRefused("@BroadcastOn(\"task.{id\") on " + T + "OpenBrace: unbalanced '{' at index 5",
                () -> broadcaster.broadcast(new OpenBrace(1)));
        assertRefused("@BroadcastOn(\"task.id}\") on " + T + "CloseBrace: unbalanced '}' at index 7",
                () -> broadcaster.broadcast(new CloseBrace(1)));
        assertRefused("@BroadcastOn(\"task.{a{id}}\") on " + T + "NestedBrace: unbalanced '{' at index 5",
                () -> broadcaster.broadcast(new NestedBrace(1)));
        assertRefused("@BroadcastOn(\"task.{}\") on " + T + "EmptyPlaceholder: empty placeholder {} at index 5",
                () -> broadcaster.broadcast(new EmptyPlaceholder(1)));
        assertRefused("@BroadcastOn(\"task.{id.}\") on " + T + "EmptySegment: placeholder {id.} has an empty property name",
                () -> broadcaster.broadcast(new EmptySegment(1)));
    }

    @BroadcastOn("x.{boom}")
    public static final class Exploding {
        public String getBoom() {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void aPropertyThatThrowsIsRefusedWithItsCause() {
        IllegalArgumentException e = assertRefused("@BroadcastOn(\"x.{boom}\") on " + T + "Exploding: reading"
                + " placeholder {boom} failed: java.lang.IllegalStateException: boom",
                () -> broadcaster.broadcast(new Exploding()));
        assertEquals("boom", e.getCause().getMessage());
    }

    /** broadcastAs() returns whatever the test puts in {@code name}. */
    public record NamedBy(String name) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("a"));
        }

        @Override
        public String broadcastAs() {
            return name;
        }
    }

    @BroadcastOn("a")
    @BroadcastAs("")
    public record EmptyAnnotatedName() {
    }

    @Test
    void anEventNameOver200CharactersEmptyOrNullIsRefused() {
        assertEquals("e".repeat(200), single(new NamedBy("e".repeat(200))).name());
        int before = 1;

        assertRefused("The event name of " + T + "NamedBy is longer than 200 characters (201)",
                () -> broadcaster.broadcast(new NamedBy("e".repeat(201))), before);
        assertRefused("The event name of " + T + "NamedBy is empty", () -> broadcaster.broadcast(new NamedBy("")), before);
        assertRefused("The event name of " + T + "NamedBy is null", () -> broadcaster.broadcast(new NamedBy(null)), before);
        assertRefused("The event name of " + T + "EmptyAnnotatedName is empty",
                () -> broadcaster.broadcast(new EmptyAnnotatedName()), before);
        ShouldBroadcast anonymousClass = new ShouldBroadcast() {
            @Override
            public List<Channel> broadcastOn() {
                return List.of(Channel.of("a"));
            }
        };
        assertRefused("The event name of " + anonymousClass.getClass().getName() + " is empty",
                () -> broadcaster.broadcast(anonymousClass), before);
    }

    @Test
    void anAnonymousBroadcastWithoutANameOrChannelsOrWithALongNameIsRefused() {
        IllegalStateException noName = assertThrows(IllegalStateException.class,
                () -> broadcaster.on(Channel.of("a")).with(Map.of()).send());
        assertEquals("An anonymous broadcast needs an event name: call as(name) before sending", noName.getMessage());
        assertEquals(noName.getMessage(), assertThrows(IllegalStateException.class,
                () -> broadcaster.on(Channel.of("a")).sendNow()).getMessage());
        assertRefused("The event name of an anonymous broadcast is longer than 200 characters (201)",
                () -> broadcaster.on(Channel.of("a")).as("e".repeat(201)).send());
        assertRefused("The event name of an anonymous broadcast is empty",
                () -> broadcaster.on(Channel.of("a")).as("").sendNow());
        assertRefused("An anonymous broadcast needs at least one channel",
                () -> broadcaster.on(List.of()).as("e").send());
        assertRefused("The channels of an anonymous broadcast contain null (at index 1)",
                () -> broadcaster.on(Arrays.asList(Channel.of("a"), null)).as("e").send());
        assertEquals(List.of(), driver.delivered());
    }

    public record Opaque(Object thing) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("a"));
        }
    }

    /** broadcastWith() returns whatever the test puts in {@code payload}. */
    public record PayloadOf(Object payload) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("a"));
        }

        @Override
        public Object broadcastWith() {
            return payload;
        }
    }

    @Test
    void aPayloadJacksonCannotSerializeOrANullPayloadIsRefused() {
        String noSerializer = "No serializer found for class java.lang.Object and no properties discovered to create"
                + " BeanSerializer (to avoid exception, disable SerializationFeature.FAIL_ON_EMPTY_BEANS)";
        assertRefused("Cannot serialize the payload of " + T + "Opaque to JSON: " + noSerializer,
                () -> broadcaster.broadcast(new Opaque(new Object())));
        assertRefused("Cannot serialize the payload of an anonymous broadcast 'e' to JSON: " + noSerializer,
                () -> broadcaster.on(Channel.of("a")).as("e").with(new Object()).send());
        assertRefused("broadcastWith() of " + T + "PayloadOf returned null",
                () -> broadcaster.broadcast(new PayloadOf(null)));
    }

    @Test
    void aSocketIdThatIsNotOfTheForm1234Dot5678IsRefused() {
        for (String bad : Arrays.asList("abc", "1234", "1234.", ".5678", "12.34.56", " 1.2")) {
            assertRefused("A socket id looks like 1234.5678, not " + bad, () -> broadcaster.toOthers(bad));
            assertRefused("A socket id looks like 1234.5678, not " + bad,
                    () -> broadcaster.on(Channel.of("a")).as("e").toOthers(bad));
        }
    }

    @Test
    void toOthersOfNullLeavesOutNobodySoARequestWithoutTheHeaderNeedsNoCheck() {
        assertSame(broadcaster, broadcaster.toOthers(null));
        assertSame(broadcaster, broadcaster.toOthers("1.2").toOthers(null));
        assertNull(single(new Opaque("x")).exceptSocketId());
        broadcaster.on(Channel.of("a")).as("e").toOthers(null).send().toCompletableFuture().join();
        List<ResolvedBroadcast> delivered = driver.delivered();
        assertNull(delivered.get(delivered.size() - 1).exceptSocketId());
    }

    // --- helpers ---

    private ResolvedBroadcast single(Object event) {
        int before = driver.delivered().size();
        broadcaster.broadcast(event).toCompletableFuture().join();
        List<ResolvedBroadcast> delivered = driver.delivered();
        assertEquals(before + 1, delivered.size(), () -> "one delivery: " + driver.names());
        return delivered.get(before);
    }

    private IllegalArgumentException assertRefused(String message, Executable call) {
        return assertRefused(message, call, 0);
    }

    /** The call throws IllegalArgumentException with exactly {@code message}; the driver got nothing new. */
    private IllegalArgumentException assertRefused(String message, Executable call, int deliveredBefore) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(deliveredBefore, driver.delivered().size(), () -> "sent anyway: " + driver.names());
        return e;
    }
}
