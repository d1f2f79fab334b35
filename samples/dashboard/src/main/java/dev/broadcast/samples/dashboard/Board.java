package dev.broadcast.samples.dashboard;

import dev.broadcast.Broadcaster;
import dev.broadcast.samples.dashboard.BoardEvents.Commit;
import dev.broadcast.samples.dashboard.BoardEvents.CommitCreated;
import dev.broadcast.samples.dashboard.BoardEvents.Spec;
import dev.broadcast.samples.dashboard.BoardEvents.SpecUpdated;
import dev.broadcast.samples.dashboard.BoardEvents.Task;
import dev.broadcast.samples.dashboard.BoardEvents.TaskUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.stereotype.Component;

/**
 * The board's state, kept here (a database in a real app) and broadcast as it changes. The page
 * loads {@link #snapshot()} over HTTP and then follows the events; every change bumps a version
 * (or takes the next sequence number) under the same lock that broadcasts it, so the events of one
 * thing leave in version order.
 */
@Component
public class Board {

    /** The one board of this sample. */
    public static final long ID = 1;

    /** The board's columns, left to right. */
    public static final List<String> COLUMNS = List.of("todo", "doing", "review", "done");

    /** What the page loads: every card, the latest commits, the spec. */
    public record Snapshot(long boardId, List<String> columns, List<Task> tasks, List<Commit> commits, Spec spec) {
    }

    private static final int COMMITS_KEPT = 50;

    private final Broadcaster broadcaster;
    private final Map<Long, Task> tasks = new LinkedHashMap<>();
    private final List<Commit> commits = new ArrayList<>();
    private Spec spec = new Spec("Agents open one pull request per task; its tests pass before review.", "Ann Lee", 1);

    public Board(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
        add(1, "Add dark mode to the settings page", "todo");
        add(2, "Cache the pricing API", "todo");
        add(3, "Fix the flaky login test", "todo");
        add(4, "Upgrade to Spring Boot 3.5", "doing");
        add(5, "Write the release notes", "review");
        add(6, "Set up the CI cache", "done");
    }

    private void add(long id, String title, String column) {
        tasks.put(id, new Task(id, title, column, "idle", 1));
    }

    public synchronized Snapshot snapshot() {
        int from = Math.max(0, commits.size() - 20);
        return new Snapshot(ID, COLUMNS, List.copyOf(tasks.values()), List.copyOf(commits.subList(from, commits.size())), spec);
    }

    /**
     * @throws NoSuchElementException if there is no such task
     */
    public synchronized Task task(long id) {
        Task task = tasks.get(id);
        if (task == null) {
            throw new NoSuchElementException("There is no task " + id + " on this board");
        }
        return task;
    }

    // tag::move[]
    /**
     * A user dragged a card to {@code column}. Their own tab moved it already, so its connection
     * ({@code socketId}, from the request's X-Socket-ID header; null for none) is left out.
     *
     * @throws IllegalArgumentException if {@code column} is not one of {@link #COLUMNS}
     * @throws NoSuchElementException if there is no such task
     */
    public synchronized Task move(long id, String column, String socketId) {
        if (!COLUMNS.contains(column)) {
            throw new IllegalArgumentException("A card goes to one of the columns " + COLUMNS + ", not '" + column + "'");
        }
        Task task = task(id);
        Task moved = change(task, column, task.status());
        broadcaster.toOthers(socketId).broadcast(new TaskUpdated(ID, moved));
        return moved;
    }
    // end::move[]

    /** An agent started or ended on a task: everyone is told, the tab that started it too. */
    public synchronized Task status(long id, String column, String status) {
        Task changed = change(task(id), column, status);
        broadcaster.broadcast(new TaskUpdated(ID, changed));
        return changed;
    }

    private Task change(Task task, String column, String status) {
        Task changed = new Task(task.id(), task.title(), column, status, task.version() + 1);
        tasks.put(task.id(), changed);
        return changed;
    }

    public synchronized Commit commit(long taskId, String sha, String message, String author) {
        Commit commit = new Commit(commits.isEmpty() ? 1 : commits.get(commits.size() - 1).seq() + 1,
                task(taskId).id(), sha, message, author, Instant.now());
        commits.add(commit);
        if (commits.size() > COMMITS_KEPT) {
            commits.remove(0);
        }
        broadcaster.broadcast(new CommitCreated(ID, commit));
        return commit;
    }

    /**
     * @throws IllegalArgumentException if {@code text} is blank or longer than 2,000 characters
     */
    public synchronized Spec editSpec(String text, String editedBy, String socketId) {
        if (text == null || text.isBlank() || text.length() > 2_000) {
            throw new IllegalArgumentException("A spec is 1 to 2,000 characters, not " + (text == null ? "none" : text.length()));
        }
        spec = new Spec(text, editedBy, spec.version() + 1);
        broadcaster.toOthers(socketId).broadcast(new SpecUpdated(ID, spec));
        return spec;
    }
}
