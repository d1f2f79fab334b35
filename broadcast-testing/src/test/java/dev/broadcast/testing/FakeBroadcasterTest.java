package dev.broadcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.ShouldBroadcast;
import dev.broadcast.ShouldBroadcastNow;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

class FakeBroadcasterTest {

    record TaskUpdated(long id, long projectId) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("project." + projectId));
        }

        @Override
        public String broadcastAs() {
            return "task.updated";
        }
    }

    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("agent.output")
    record AgentOutputReceived(long taskId, String line) {
    }

    record CommitCreated(String sha) implements ShouldBroadcastNow {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("commits"));
        }
    }

    private final FakeBroadcaster fake = FakeBroadcaster.create();

    private static AssertionFailedError fails(Executable assertion) {
        return assertThrows(AssertionFailedError.class, assertion);
    }

    @Test
    void recordsTheResolvedBroadcastAsTheRealDriversWouldSeeIt() {
        fake.toOthers("12.34").broadcast(new AgentOutputReceived(42, "npm test"));
        fake.broadcast(new CommitCreated("abc"));
        List<ResolvedBroadcast> all = fake.broadcasts();
        assertEquals(2, all.size());
        ResolvedBroadcast output = all.get(0);
        assertEquals("agent.output", output.name());
        assertEquals(List.of(Channel.privateChannel("task.42")), output.channels());
        assertEquals("{\"taskId\":42,\"line\":\"npm test\"}", output.payloadJson());
        assertEquals("12.34", output.exceptSocketId());
        assertEquals(false, output.now());
        assertEquals(true, all.get(1).now());
        assertEquals(List.of(new CommitCreated("abc")), fake.dispatched(CommitCreated.class));
    }

    @Test
    void assertDispatchedPassesAndFailsListingWhatWasBroadcast() {
        fake.broadcast(new TaskUpdated(1, 7));
        fake.assertDispatched(TaskUpdated.class);
        AssertionFailedError failure = fails(() -> fake.assertDispatched(CommitCreated.class));
        assertEquals("Expected a CommitCreated broadcast.\nBroadcast (1):\n"
                + "  TaskUpdated 'task.updated' on [project.7] {\"id\":1,\"projectId\":7} (queued)", failure.getMessage());
        assertEquals("at least 1 CommitCreated", failure.getExpected().getValue());
    }

    @Test
    void assertDispatchedWithAPredicate() {
        fake.broadcast(new TaskUpdated(1, 7));
        fake.assertDispatched(TaskUpdated.class, e -> e.id() == 1);
        AssertionFailedError failure = fails(() -> fake.assertDispatched(TaskUpdated.class, e -> e.id() == 42));
        assertTrue(failure.getMessage().startsWith(
                "Expected a TaskUpdated broadcast matching the predicate; none of the 1 matched.\nBroadcast (1):"),
                failure.getMessage());
    }

    @Test
    void assertDispatchedTimesAndOnce() {
        fake.broadcast(new TaskUpdated(1, 7));
        fake.broadcast(new TaskUpdated(2, 7));
        fake.assertDispatchedTimes(TaskUpdated.class, 2);
        fake.assertDispatchedTimes(CommitCreated.class, 0);
        AssertionFailedError times = fails(() -> fake.assertDispatchedTimes(TaskUpdated.class, 3));
        assertTrue(times.getMessage().startsWith("Expected TaskUpdated to be broadcast 3 time(s), but it was 2 time(s)."),
                times.getMessage());
        assertEquals(3, times.getExpected().getValue());
        assertEquals(2, times.getActual().getValue());
        AssertionFailedError once = fails(() -> fake.assertDispatchedOnce(TaskUpdated.class));
        assertTrue(once.getMessage().startsWith("Expected TaskUpdated to be broadcast 1 time(s), but it was 2 time(s)."));
        fake.broadcast(new CommitCreated("abc"));
        fake.assertDispatchedOnce(CommitCreated.class);
    }

    @Test
    void assertNotDispatchedWithAndWithoutAPredicate() {
        fake.assertNotDispatched(TaskUpdated.class);
        fake.broadcast(new TaskUpdated(1, 7));
        fake.assertNotDispatched(TaskUpdated.class, e -> e.id() == 2);
        AssertionFailedError failure = fails(() -> fake.assertNotDispatched(TaskUpdated.class));
        assertTrue(failure.getMessage().startsWith("Expected no TaskUpdated broadcast but found 1.\nBroadcast (1):"),
                failure.getMessage());
        fails(() -> fake.assertNotDispatched(TaskUpdated.class, e -> e.id() == 1));
    }

    @Test
    void assertNothingDispatched() {
        fake.assertNothingDispatched();
        fake.on(Channel.of("orders")).as("order.shipped").with(Map.of("id", 7)).send();
        AssertionFailedError failure = fails(fake::assertNothingDispatched);
        assertEquals("Expected nothing to be broadcast but found 1.\nBroadcast (1):\n"
                + "  (anonymous) 'order.shipped' on [orders] {\"id\":7} (queued)", failure.getMessage());
    }

    @Test
    void assertBroadcastOnAChannelByClassAndByName() {
        fake.broadcast(new AgentOutputReceived(42, "ok"));
        fake.on(Channel.of("orders")).as("order.shipped").sendNow();
        fake.assertBroadcastOn(Channel.privateChannel("task.42"), AgentOutputReceived.class);
        fake.assertBroadcastOn(Channel.privateChannel("task.42"), "agent.output");
        fake.assertBroadcastOn(Channel.of("orders"), "order.shipped");
        AssertionFailedError byClass = fails(() -> fake.assertBroadcastOn(Channel.of("task.42"), AgentOutputReceived.class));
        assertTrue(byClass.getMessage().startsWith("Expected a AgentOutputReceived broadcast on task.42.\nBroadcast (2):"),
                byClass.getMessage());
        AssertionFailedError byName = fails(() -> fake.assertBroadcastOn(Channel.of("orders"), "order.cancelled"));
        assertTrue(byName.getMessage().startsWith("Expected an event named 'order.cancelled' on orders.\n"),
                byName.getMessage());
        assertEquals("(anonymous) 'order.shipped' on [orders] {} (now)", byName.getActual().getValue());
    }

    @Test
    void assertNothingBroadcastOn() {
        fake.broadcast(new TaskUpdated(1, 7));
        fake.assertNothingBroadcastOn(Channel.of("project.8"));
        AssertionFailedError failure = fails(() -> fake.assertNothingBroadcastOn(Channel.of("project.7")));
        assertTrue(failure.getMessage().startsWith("Expected nothing on project.7 but found 1.\n"), failure.getMessage());
    }

    @Test
    void assertDispatchedToOthers() {
        fake.toOthers("1.2").broadcast(new TaskUpdated(1, 7));
        fake.assertDispatchedToOthers(TaskUpdated.class);
        fake.broadcast(new TaskUpdated(2, 7));
        AssertionFailedError everyone = fails(() -> fake.assertDispatchedToOthers(TaskUpdated.class));
        assertTrue(everyone.getMessage().startsWith(
                "Expected every TaskUpdated broadcast to leave out the sender (toOthers), but 1 went to everyone.\n"),
                everyone.getMessage());
        AssertionFailedError none = fails(() -> fake.assertDispatchedToOthers(CommitCreated.class));
        assertTrue(none.getMessage().startsWith(
                "Expected every CommitCreated broadcast to leave out the sender (toOthers), but there was none.\n"));
    }

    @Test
    void awaitDispatchedWaitsForBroadcastsFromOtherThreads() throws Exception {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            fake.broadcast(new TaskUpdated(9, 7));
        });
        thread.start();
        assertEquals(new TaskUpdated(9, 7), fake.awaitDispatched(TaskUpdated.class, Duration.ofSeconds(5)));
        thread.join();
        AssertionFailedError failure = fails(() -> fake.awaitDispatched(CommitCreated.class, Duration.ofMillis(50)));
        assertTrue(failure.getMessage().startsWith("Expected a CommitCreated broadcast within 50 ms.\nBroadcast (1):"),
                failure.getMessage());
    }

    @Test
    void clearForgetsEverything() {
        fake.broadcast(new TaskUpdated(1, 7));
        fake.clear();
        fake.assertNothingDispatched();
    }

    @Test
    void eventsTheRealBroadcasterRefusesAreRefusedHereToo() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> fake.broadcast("not an event"));
        assertTrue(refused.getMessage().contains("String"), refused.getMessage());
        fake.assertNothingDispatched();
    }
}
