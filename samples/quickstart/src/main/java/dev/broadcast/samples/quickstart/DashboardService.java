package dev.broadcast.samples.quickstart;

import dev.broadcast.Broadcaster;
import dev.broadcast.samples.quickstart.Events.AgentOutputReceived;
import dev.broadcast.samples.quickstart.Events.AgentStatusChanged;
import dev.broadcast.samples.quickstart.Events.Commit;
import dev.broadcast.samples.quickstart.Events.CommitCreated;
import dev.broadcast.samples.quickstart.Events.SpecUpdated;
import dev.broadcast.samples.quickstart.Events.Task;
import dev.broadcast.samples.quickstart.Events.TaskUpdated;
import dev.broadcast.samples.quickstart.Events.TerminalOutputReceived;
import dev.broadcast.samples.quickstart.Events.WorktreeStatusUpdated;
import java.time.Instant;

/**
 * What the dashboard's backend does when agents work on tasks; it only knows a {@link Broadcaster},
 * so tests hand it a FakeBroadcaster and the app the real one.
 */
public final class DashboardService {

    private final Broadcaster broadcaster;

    public DashboardService(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    /** An agent starts on a task. */
    public void start(Task task) {
        broadcaster.broadcast(new TaskUpdated(new Task(task.id(), task.projectId(), task.title(), "running")));
        broadcaster.broadcast(new AgentStatusChanged(task.id(), "working"));
    }

    /** A line of the agent's output. */
    public void output(long taskId, String line) {
        broadcaster.broadcast(new AgentOutputReceived(taskId, line, "stdout"));
    }

    /** Raw terminal bytes, already decoded. */
    public void terminal(long taskId, String chunk) {
        broadcaster.broadcast(new TerminalOutputReceived(taskId, chunk));
    }

    /** The agent committed. */
    public void commit(Task task, String sha, String message) {
        broadcaster.broadcast(new WorktreeStatusUpdated(task.id(), "task-" + task.id(), 0));
        broadcaster.broadcast(new CommitCreated(new Commit(sha, task.projectId(), task.id(), message, Instant.now())));
    }

    /** The task is done. */
    public void finish(Task task) {
        broadcaster.broadcast(new AgentStatusChanged(task.id(), "done"));
        broadcaster.broadcast(new TaskUpdated(new Task(task.id(), task.projectId(), task.title(), "done")));
    }

    /**
     * A user edited the project spec; {@code socketId} is the editor's own connection (from the
     * {@code X-Socket-ID} header; null when there is none), which already shows the change.
     */
    public void editSpec(long projectId, String spec, User editor, String socketId) {
        broadcaster.toOthers(socketId).broadcast(new SpecUpdated(projectId, spec, editor.name()));
    }
}
