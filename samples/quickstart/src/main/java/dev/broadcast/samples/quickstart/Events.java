package dev.broadcast.samples.quickstart;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastNow;
import dev.broadcast.BroadcastOn;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.ShouldBroadcast;
import java.time.Instant;
import java.util.List;

/** The events of an agent dashboard: tasks of a project, their agents' output, commits, specs. */
public final class Events {

    private Events() {
    }

    /** A task of a project, as the dashboard shows it. */
    public record Task(long id, long projectId, String title, String state) {
    }

    /** A commit made by an agent. */
    public record Commit(String sha, long projectId, long taskId, String message, Instant at) {
    }

    // tag::task-updated[]
    /** Everyone looking at the project sees task changes: a public channel per project. */
    public record TaskUpdated(Task task) implements ShouldBroadcast {
        @Override
        public List<Channel> broadcastOn() {
            return List.of(Channel.of("project." + task.projectId()));
        }

        @Override
        public String broadcastAs() {
            return "task.updated";
        }
    }
    // end::task-updated[]

    // tag::agent-output[]
    /** Agent output is private to the task's channel; no interface needed, annotations do it. */
    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("agent.output")
    public record AgentOutputReceived(long taskId, String line, String stream) {
    }
    // end::agent-output[]

    /** The agent of a task started, waits, failed or finished. */
    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("agent.status")
    public record AgentStatusChanged(long taskId, String status) {
    }

    /** The worktree of a task changed: branch and number of dirty files. */
    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("worktree.status")
    public record WorktreeStatusUpdated(long taskId, String branch, int dirtyFiles) {
    }

    /** Raw terminal output of a task, as it comes. */
    @BroadcastOn(value = "task.{taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("terminal.output")
    public record TerminalOutputReceived(long taskId, String chunk) {
    }

    /** A commit, announced on the project's channel (a dotted placeholder) and the task's. */
    @BroadcastOn("project.{commit.projectId}")
    @BroadcastOn(value = "task.{commit.taskId}", type = ChannelType.PRIVATE)
    @BroadcastAs("commit.created")
    public record CommitCreated(Commit commit) {
    }

    /** The spec of a project changed; sent at once, to the people viewing the project. */
    @BroadcastOn(value = "project.{projectId}", type = ChannelType.PRESENCE)
    @BroadcastAs("spec.updated")
    @BroadcastNow
    public record SpecUpdated(long projectId, String spec, String editedBy) {
    }
}
