package dev.broadcast.samples.dashboard;

import dev.broadcast.Broadcaster;
import dev.broadcast.samples.dashboard.BoardEvents.AgentFinished;
import dev.broadcast.samples.dashboard.BoardEvents.Task;
import dev.broadcast.samples.dashboard.Team.Member;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A pretend coding agent that really takes its time: it sets up a worktree (progress), then
 * prints a line every tick ({@code dashboard.agent.interval}, 100 ms) for
 * {@code dashboard.agent.lines} lines, agent notes and terminal output in ANSI colours, commits
 * two thirds of the way, and ends done (the task goes to review) or failed (the flaky test
 * does). The user who started it gets a notification.
 */
@Component
public class DemoAgent {

    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final Board board;
    private final Runs runs;
    private final Broadcaster broadcaster;
    private final int lines;
    private final Duration interval;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "demo-agent");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Long> running = new HashSet<>();

    public DemoAgent(Board board, Runs runs, Broadcaster broadcaster,
            @Value("${dashboard.agent.lines:200}") int lines,
            @Value("${dashboard.agent.interval:100ms}") Duration interval) {
        if (lines < 10 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("dashboard.agent.lines must be at least 10 and dashboard.agent.interval"
                    + " positive, not " + lines + " and " + interval);
        }
        this.board = board;
        this.runs = runs;
        this.broadcaster = broadcaster;
        this.lines = lines;
        this.interval = interval;
    }

    /**
     * Starts an agent on the task for {@code startedBy}.
     *
     * @return false if one is running on it already
     * @throws java.util.NoSuchElementException if there is no such task
     */
    public boolean start(long taskId, Member startedBy) {
        Task task = board.task(taskId);
        synchronized (running) {
            if (!running.add(taskId)) {
                return false;
            }
        }
        runs.start(taskId);
        board.status(taskId, "doing", "running");
        tick(task, startedBy, 0);
        return true;
    }

    /** Runs step {@code n} now and schedules the next one an interval later, until the run ends. */
    private void tick(Task task, Member startedBy, int n) {
        ticks.schedule(() -> {
            boolean more;
            try {
                more = step(task, startedBy, n);
            } catch (RuntimeException e) {
                end(task, startedBy, "failed");
                return;
            }
            if (more) {
                tick(task, startedBy, n + 1);
            }
        }, n == 0 ? 0 : interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One tick of the run; false when it ended. */
    private boolean step(Task task, Member startedBy, int tick) {
        long id = task.id();
        int setup = 12;
        if (tick < setup) {
            String phase = tick < 4 ? "Creating worktree agent/task-" + id : tick < 9 ? "Installing dependencies" : "Building";
            runs.progress(id, phase, Math.min(100, (tick + 1) * 100 / setup));
            return true;
        }
        int n = tick - setup + 1; // 1 .. lines
        boolean fails = task.title().contains("flaky");
        if (n == 1) {
            runs.progress(id, "Ready", 100);
            runs.print(id, "agent", "Reading the task: " + task.title());
        } else if (n == lines * 2 / 3) {
            String sha = Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 7);
            board.commit(id, sha, (fails ? "Retry the login test on timeout" : "Implement: " + task.title()), "agent-" + id);
            runs.print(id, "agent", "Committed " + sha + " on agent/task-" + id);
        } else if (n < lines) {
            print(id, n, fails);
        } else {
            String status = fails ? "failed" : "done";
            runs.print(id, "terminal", fails
                    ? RED + BOLD + "Tests: 1 failed" + RESET + ", " + (lines - 3) + " passed"
                    : GREEN + BOLD + "Tests: " + (lines - 3) + " passed" + RESET);
            runs.print(id, "agent", fails ? "Giving up: the login test still fails" : "Done: ready for review");
            end(task, startedBy, status);
            return false;
        }
        return true;
    }

    private void print(long id, int n, boolean fails) {
        if (n % 10 == 2) {
            runs.print(id, "agent", "Step " + (n / 10 + 1) + ": " + (n % 20 == 2 ? "editing the code" : "running the tests"));
        } else if (n % 10 == 3) {
            runs.print(id, "terminal", BOLD + "$ npm test -- --shard=" + (n / 10 + 1) + RESET);
        } else if (fails && n % 17 == 0) {
            runs.print(id, "terminal", RED + "✗" + RESET + " login.test.js › signs in " + DIM + "(timeout, line " + n + ")" + RESET);
        } else if (n % 13 == 0) {
            runs.print(id, "terminal", YELLOW + "warn" + RESET + " deprecated API in module-" + n + ".js");
        } else {
            runs.print(id, "terminal", GREEN + "✓" + RESET + " test " + n + " passes " + DIM + "(" + (n * 7 % 40 + 3) + " ms)" + RESET);
        }
    }

    private void end(Task task, Member startedBy, String status) {
        runs.finish(task.id(), status);
        board.status(task.id(), "done".equals(status) ? "review" : "doing", status);
        // tag::notify[]
        broadcaster.notify(startedBy, new AgentFinished(task.id(), task.title(), status,
                "done".equals(status) ? "Your agent finished \u201c" + task.title() + "\u201d: ready for review"
                        : "Your agent failed on \u201c" + task.title() + "\u201d"));
        // end::notify[]
        synchronized (running) {
            running.remove(task.id());
        }
    }

    @PreDestroy
    void stop() {
        ticks.shutdownNow();
    }
}
