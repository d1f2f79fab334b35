package dev.broadcast.core.internal.engine;

import dev.broadcast.core.watch.Activity;
import java.time.InstantSource;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who watches one app's activity ({@code BroadcastHub.watch}). Nearly always nobody, so a report
 * costs one check of an empty list; a watcher is called on the thread where the thing happened.
 */
public final class Watchers {

    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

    private final CopyOnWriteArrayList<Consumer<Activity>> watchers = new CopyOnWriteArrayList<>();
    private final InstantSource clock;

    Watchers(InstantSource clock) {
        this.clock = clock;
    }

    /** Adds {@code watcher} until the returned handle is closed. */
    public AutoCloseable add(Consumer<Activity> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** Whether anyone watches: a report whose detail takes work to build is made only then. */
    boolean active() {
        return !watchers.isEmpty();
    }

    void report(Activity.Kind kind, String socketId, String channel, String event, String detail) {
        if (watchers.isEmpty()) {
            return;
        }
        Activity activity = new Activity(clock.instant(), kind, socketId, channel, event,
                detail == null || detail.length() <= Activity.MAX_DETAIL ? detail
                        : detail.substring(0, Activity.MAX_DETAIL) + "…");
        for (Consumer<Activity> watcher : watchers) {
            try {
                watcher.accept(activity);
            } catch (RuntimeException e) {
                LOG.warn("A watcher of the hub's activity failed: {}", e.toString());
            }
        }
    }
}
