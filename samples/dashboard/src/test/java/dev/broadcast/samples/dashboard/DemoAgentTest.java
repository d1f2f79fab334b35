package dev.broadcast.samples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.Channel;
import dev.broadcast.samples.dashboard.BoardEvents.AgentFinished;
import dev.broadcast.samples.dashboard.BoardEvents.CommitCreated;
import dev.broadcast.samples.dashboard.BoardEvents.SpecUpdated;
import dev.broadcast.samples.dashboard.BoardEvents.TaskUpdated;
import dev.broadcast.samples.dashboard.Team.Member;
import dev.broadcast.testing.FakeBroadcaster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The board and the demo agent against the test kit's fake: what they broadcast, and to whom. */
class DemoAgentTest {

    private final FakeBroadcaster fake = FakeBroadcaster.create();
    private final Team team = new Team();
    private final Member ann = team.byUsername("ann").orElseThrow();
    private final Member bob = team.byUsername("bob").orElseThrow();
    private final Board board = new Board(fake);
    private final Runs runs = new Runs(fake);
    private final DemoAgent agent = new DemoAgent(board, runs, fake, 12, Duration.ofMillis(1));

    @AfterEach
    void stop() {
        agent.stop();
    }

    // tag::notified[]
    @Test
    void whoeverStartedTheAgentIsNotifiedWhenItEnds() {
        assertTrue(agent.start(1, ann));

        fake.awaitDispatched(AgentFinished.class, Duration.ofSeconds(10));
        fake.assertNotified(ann, AgentFinished.class, n -> n.taskId() == 1 && n.status().equals("done"));
        fake.assertNotNotified(bob, AgentFinished.class);
    }
    // end::notified[]

    @Test
    void aRunStreamsNumberedLinesAndEndsWithTheCardInReview() {
        agent.start(1, ann);
        fake.awaitDispatched(AgentFinished.class, Duration.ofSeconds(10));

        Runs.View view = runs.view(1, 0);
        assertEquals("done", view.status());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L),
                view.lines().stream().map(Runs.Line::n).toList(), "every line numbered once, in order");
        assertEquals(100, view.worktree().percent());
        assertEquals(List.of(view.lines().get(5)), runs.view(1, 5).lines().subList(0, 1), "after=5 starts at line 6");
        fake.assertBroadcastOn(Channel.privateChannel("task.1"), "output");
        fake.assertBroadcastOn(Channel.privateChannel("task.1"), "worktree");
        fake.assertDispatched(CommitCreated.class, e -> e.commit().seq() == 1 && e.commit().taskId() == 1);
        fake.assertDispatched(TaskUpdated.class, e -> e.task().column().equals("review") && e.task().status().equals("done"));
    }

    @Test
    void theFlakyTestFailsAndSaysSo() {
        agent.start(3, bob);
        fake.awaitDispatched(AgentFinished.class, Duration.ofSeconds(10));
        fake.assertNotified(bob, AgentFinished.class, n -> n.status().equals("failed"));
        assertEquals("failed", board.task(3).status());
    }

    @Test
    void oneAgentPerTaskAtATime() {
        assertTrue(agent.start(2, ann));
        assertFalse(agent.start(2, bob));
    }

    // tag::to-others[]
    @Test
    void aMovedCardGoesToEveryoneButTheTabThatMovedIt() {
        BoardEvents.Task moved = board.move(2, "review", "1234.5678");

        assertEquals(2, moved.version());
        fake.assertDispatched(TaskUpdated.class, e -> e.task().equals(moved));
        fake.assertDispatchedToOthers(TaskUpdated.class);
    }
    // end::to-others[]

    @Test
    void badChangesAreRefusedAndNothingIsSent() {
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> board.move(2, "archive", null));
        assertEquals("A card goes to one of the columns [todo, doing, review, done], not 'archive'", column.getMessage());
        assertThrows(java.util.NoSuchElementException.class, () -> board.move(99, "done", null));
        assertThrows(IllegalArgumentException.class, () -> board.editSpec(" ", "Ann Lee", null));
        assertThrows(IllegalArgumentException.class, () -> board.editSpec("x".repeat(2_001), "Ann Lee", null));
        fake.assertNothingDispatched();
        assertEquals(1, board.task(2).version());

        board.editSpec("x".repeat(2_000), "Ann Lee", null); // at the limit
        fake.assertDispatched(SpecUpdated.class, e -> e.spec().version() == 2);
    }
}
