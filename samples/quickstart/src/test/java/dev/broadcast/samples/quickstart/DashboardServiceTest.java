package dev.broadcast.samples.quickstart;

import dev.broadcast.Channel;
import dev.broadcast.samples.quickstart.Events.AgentOutputReceived;
import dev.broadcast.samples.quickstart.Events.AgentStatusChanged;
import dev.broadcast.samples.quickstart.Events.CommitCreated;
import dev.broadcast.samples.quickstart.Events.SpecUpdated;
import dev.broadcast.samples.quickstart.Events.Task;
import dev.broadcast.samples.quickstart.Events.TaskUpdated;
import dev.broadcast.samples.quickstart.Events.TerminalOutputReceived;
import dev.broadcast.samples.quickstart.Events.WorktreeStatusUpdated;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.FakeBroadcaster;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard's broadcasts, tested without a server. */
// tag::fake[]
@ExtendWith(BroadcastExtension.class)
class DashboardServiceTest {

    private final Task task = new Task(42, 7, "Fix the flaky test", "queued");
    private final User ann = new User(1, "Ann", Set.of(7L));

    @Test
    void anAgentRunBroadcastsEveryStep(FakeBroadcaster fake) {
        DashboardService service = new DashboardService(fake);

        service.start(task);
        service.output(42, "npm test");
        service.terminal(42, "\u001b[32mPASS\u001b[0m");
        service.commit(task, "9fceb02", "Fix the flaky test");
        service.finish(task);

        fake.assertDispatchedTimes(TaskUpdated.class, 2);
        fake.assertDispatched(TaskUpdated.class, e -> e.task().state().equals("done"));
        fake.assertBroadcastOn(Channel.of("project.7"), TaskUpdated.class);
        fake.assertDispatched(AgentOutputReceived.class, e -> e.line().equals("npm test"));
        fake.assertBroadcastOn(Channel.privateChannel("task.42"), "agent.output");
        fake.assertDispatchedTimes(AgentStatusChanged.class, 2);
        fake.assertDispatchedOnce(TerminalOutputReceived.class);
        fake.assertDispatchedOnce(WorktreeStatusUpdated.class);
        fake.assertBroadcastOn(Channel.of("project.7"), CommitCreated.class);
        fake.assertBroadcastOn(Channel.privateChannel("task.42"), CommitCreated.class);
        fake.assertNotDispatched(SpecUpdated.class);
    }

    @Test
    void aSpecEditGoesToTheOtherViewersOnly(FakeBroadcaster fake) {
        new DashboardService(fake).editSpec(7, "v2", ann, "1234.5678");

        fake.assertDispatchedToOthers(SpecUpdated.class);
        fake.assertBroadcastOn(Channel.presence("project.7"), "spec.updated");
    }
}
// end::fake[]
