package dev.broadcast.samples.dashboard;

import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastOn;
import dev.broadcast.ChannelType;
import java.time.Instant;

/**
 * What the board's viewers are told, on the board's presence channel. Each carries what changed
 * with its version (a task, the spec) or its sequence number (a commit): the page drops anything
 * not newer than what it has, so an event and the state it reloads after a reconnect can arrive in
 * either order, or twice.
 */
public final class BoardEvents {

    private BoardEvents() {
    }

    /** A card as the board shows it; {@code version} goes up by one with every change. */
    public record Task(long id, String title, String column, String status, long version) {
    }

    /** A commit an agent made; {@code seq} numbers the board's commits 1, 2, 3, … */
    public record Commit(long seq, long taskId, String sha, String message, String author, Instant at) {
    }

    /** The board's spec; {@code version} goes up with every edit. */
    public record Spec(String text, String editedBy, long version) {
    }

    // tag::task-updated[]
    /** A card moved, or its agent started or ended. */
    @BroadcastOn(value = "board.{boardId}", type = ChannelType.PRESENCE)
    @BroadcastAs("task.updated")
    public record TaskUpdated(long boardId, Task task) {
    }
    // end::task-updated[]

    /** An agent committed. */
    @BroadcastOn(value = "board.{boardId}", type = ChannelType.PRESENCE)
    @BroadcastAs("commit.created")
    public record CommitCreated(long boardId, Commit commit) {
    }

    /** Someone edited the spec. */
    @BroadcastOn(value = "board.{boardId}", type = ChannelType.PRESENCE)
    @BroadcastAs("spec.updated")
    public record SpecUpdated(long boardId, Spec spec) {
    }

    /** The notification the user who started an agent gets when it ends (Echo's {@code .notification()}). */
    public record AgentFinished(long taskId, String title, String status, String message) {
    }
}
