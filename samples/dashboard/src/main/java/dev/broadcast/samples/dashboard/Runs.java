package dev.broadcast.samples.dashboard;

import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * What agents print while they work on a task, and how far their worktree is, on the task's
 * private channel {@code private-task.{id}}. Output goes through a throttled {@link OutputBuffer}
 * (event {@code output}: at most one batch per 100 ms, however fast the agent prints), progress
 * through a {@link ConflatingBuffer} (event {@code worktree}: only the latest value per window).
 * Every line is kept with its number, so a page that (re)loads asks for the lines after the last
 * one it has and drops numbers it already shows.
 */
@Component
public class Runs {

    /** One line of output: {@code n} counts the run's lines from 1; {@code stream} is agent or terminal. */
    public record Line(long run, long n, String stream, String text) {
    }

    /** How far the run's worktree is; {@code version} goes up with every change. */
    public record Worktree(long run, String phase, int percent, long version) {
    }

    /** What the task view loads: the run's status, its worktree and its lines after {@code after}. */
    public record View(long taskId, long run, String status, Worktree worktree, List<Line> lines) {
    }

    private static final int LINES_KEPT = 20_000;

    private final Broadcaster broadcaster;
    private final Map<Long, Run> runs = new ConcurrentHashMap<>();
    private long runsStarted;

    public Runs(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    private static final class Run {
        final long id;
        final List<Line> lines = new ArrayList<>();
        final OutputBuffer output;
        final ConflatingBuffer progress;
        Worktree worktree;
        String status = "running";

        Run(long id, OutputBuffer output, ConflatingBuffer progress) {
            this.id = id;
            this.output = output;
            this.progress = progress;
            this.worktree = new Worktree(id, "waiting", 0, 0);
        }
    }

    /** A new run of {@code taskId}, replacing the last one. */
    public synchronized long start(long taskId) {
        // tag::buffers[]
        Channel channel = Channel.privateChannel("task." + taskId);
        Run run = new Run(++runsStarted, broadcaster.buffer(channel, "output"), broadcaster.conflate(channel, "worktree"));
        // end::buffers[]
        Run previous = runs.put(taskId, run);
        if (previous != null) {
            close(previous);
        }
        return run.id;
    }

    /** Adds a line to the task's current run and to its output buffer, in the same order. */
    public void print(long taskId, String stream, String text) {
        Run run = runs.get(taskId);
        synchronized (run) {
            if (run.lines.size() >= LINES_KEPT) {
                return;
            }
            Line line = new Line(run.id, run.lines.size() + 1, stream, text);
            run.lines.add(line);
            run.output.append(line);
        }
    }

    public void progress(long taskId, String phase, int percent) {
        Run run = runs.get(taskId);
        synchronized (run) {
            run.worktree = new Worktree(run.id, phase, percent, run.worktree.version() + 1);
            run.progress.put("worktree", run.worktree);
        }
    }

    /** The run ended: what the buffers hold goes out now. */
    public void finish(long taskId, String status) {
        Run run = runs.get(taskId);
        synchronized (run) {
            run.status = status;
            close(run);
        }
    }

    private static void close(Run run) {
        run.output.close();
        run.progress.close();
    }

    /** The task's current run with its lines after {@code after}; an empty view before any run. */
    public View view(long taskId, long after) {
        Run run = runs.get(taskId);
        if (run == null) {
            return new View(taskId, 0, "idle", null, List.of());
        }
        synchronized (run) {
            int from = (int) Math.min(Math.max(after, 0), run.lines.size());
            return new View(taskId, run.id, run.status, run.worktree, List.copyOf(run.lines.subList(from, run.lines.size())));
        }
    }
}
