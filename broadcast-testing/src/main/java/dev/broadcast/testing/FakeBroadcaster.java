package dev.broadcast.testing;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.PendingBroadcast;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * A {@link Broadcaster} for tests that sends nothing and records every broadcast as the real
 * drivers would see it: resolved event name, channels, payload JSON, excluded socket, and whether
 * it was queued or sent now. Hand it to the code under test, then assert:
 *
 * <pre>{@code
 * FakeBroadcaster fake = FakeBroadcaster.create();
 * service.complete(task, fake);
 * fake.assertDispatched(TaskUpdated.class, e -> e.task().id() == 42);
 * fake.assertBroadcastOn(Channel.of("project.7"), TaskUpdated.class);
 * }</pre>
 *
 * <p>Resolution is the real one, so an event the real broadcaster would refuse (no channels, an
 * unresolvable placeholder) throws here too. Queued broadcasts are recorded on the caller's thread
 * before {@code broadcast} returns; for broadcasts made on other threads use
 * {@link #awaitDispatched(Class, Duration)}. Failed assertions throw opentest4j's
 * {@link AssertionFailedError} with expected and actual values and the list of what was dispatched.
 * Batches of {@link #buffer buffers} and {@link #conflate conflating buffers} are recorded as
 * anonymous broadcasts when they are sent: at once on {@code flush()}, {@code close()} or a priority
 * append, else when the window ends on a daemon timer thread.
 * Thread-safe.
 */
public final class FakeBroadcaster implements Broadcaster {

    private final List<ResolvedBroadcast> recorded = new ArrayList<>();
    private final Broadcaster delegate;

    private FakeBroadcaster() {
        BroadcastDriver recorder = broadcast -> {
            synchronized (recorded) {
                recorded.add(broadcast);
                recorded.notifyAll();
            }
            return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
        };
        this.delegate = Broadcasters.builder(recorder).dispatchOnCallerThread().build();
    }

    /** A fake with nothing recorded. */
    public static FakeBroadcaster create() {
        return new FakeBroadcaster();
    }

    @Override
    public CompletionStage<BroadcastReceipt> broadcast(Object event) {
        return delegate.broadcast(event);
    }

    @Override
    public Broadcaster toOthers(String socketId) {
        return delegate.toOthers(socketId);
    }

    @Override
    public PendingBroadcast on(Collection<? extends Channel> channels) {
        return delegate.on(channels);
    }

    @Override
    public OutputBuffer buffer(Channel channel, String event) {
        return delegate.buffer(channel, event);
    }

    @Override
    public ConflatingBuffer conflate(Channel channel, String event) {
        return delegate.conflate(channel, event);
    }

    // ---- queries -------------------------------------------------------------------------------

    /** Everything recorded, in order. */
    public List<ResolvedBroadcast> broadcasts() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** The recorded events of {@code type} (or its subtypes), in order. */
    public <E> List<E> dispatched(Class<E> type) {
        return dispatched(type, e -> true);
    }

    /** The recorded events of {@code type} that match {@code filter}, in order. */
    public <E> List<E> dispatched(Class<E> type, Predicate<? super E> filter) {
        return broadcastsOf(type, filter).stream().map(b -> type.cast(b.event())).toList();
    }

    /** The recorded broadcasts on {@code channel}, anonymous ones included. */
    public List<ResolvedBroadcast> broadcastsOn(Channel channel) {
        return broadcasts().stream().filter(b -> b.channels().contains(channel)).toList();
    }

    /** Forgets everything recorded. */
    public void clear() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    // ---- assertions ----------------------------------------------------------------------------

    /** At least one event of {@code type} was broadcast. */
    public void assertDispatched(Class<?> type) {
        assertDispatched(type, e -> true);
    }

    /** At least one event of {@code type} matching {@code filter} was broadcast. */
    public <E> void assertDispatched(Class<E> type, Predicate<? super E> filter) {
        if (broadcastsOf(type, filter).isEmpty()) {
            int ofType = broadcastsOf(type, e -> true).size();
            throw failure("Expected a " + type.getSimpleName() + " broadcast"
                    + (ofType == 0 ? "" : " matching the predicate; none of the " + ofType + " matched"),
                    "at least 1 " + type.getSimpleName(), ofType + " matching 0");
        }
    }

    /** Exactly {@code times} events of {@code type} were broadcast. */
    public void assertDispatchedTimes(Class<?> type, int times) {
        int actual = broadcastsOf(type, e -> true).size();
        if (actual != times) {
            throw failure("Expected " + type.getSimpleName() + " to be broadcast " + times + " time(s), but it was "
                    + actual + " time(s)", times, actual);
        }
    }

    /** Exactly one event of {@code type} was broadcast. */
    public void assertDispatchedOnce(Class<?> type) {
        assertDispatchedTimes(type, 1);
    }

    /** No event of {@code type} was broadcast. */
    public void assertNotDispatched(Class<?> type) {
        assertNotDispatched(type, e -> true);
    }

    /** No event of {@code type} matching {@code filter} was broadcast. */
    public <E> void assertNotDispatched(Class<E> type, Predicate<? super E> filter) {
        int actual = broadcastsOf(type, filter).size();
        if (actual > 0) {
            throw failure("Expected no " + type.getSimpleName() + " broadcast" + " but found " + actual, 0, actual);
        }
    }

    /** Nothing at all was broadcast. */
    public void assertNothingDispatched() {
        int actual = broadcasts().size();
        if (actual > 0) {
            throw failure("Expected nothing to be broadcast but found " + actual, 0, actual);
        }
    }

    /** An event of {@code type} was broadcast on {@code channel} (among others, maybe). */
    public void assertBroadcastOn(Channel channel, Class<?> type) {
        boolean found = broadcastsOn(channel).stream().anyMatch(b -> type.isInstance(b.event()));
        if (!found) {
            throw failure("Expected a " + type.getSimpleName() + " broadcast on " + channel.name(),
                    type.getSimpleName() + " on " + channel.name(), onChannel(channel));
        }
    }

    /** An event named {@code eventName} (as clients see it) was broadcast on {@code channel}. */
    public void assertBroadcastOn(Channel channel, String eventName) {
        boolean found = broadcastsOn(channel).stream().anyMatch(b -> b.name().equals(eventName));
        if (!found) {
            throw failure("Expected an event named '" + eventName + "' on " + channel.name(),
                    eventName + " on " + channel.name(), onChannel(channel));
        }
    }

    /** Nothing was broadcast on {@code channel}. */
    public void assertNothingBroadcastOn(Channel channel) {
        List<ResolvedBroadcast> on = broadcastsOn(channel);
        if (!on.isEmpty()) {
            throw failure("Expected nothing on " + channel.name() + " but found " + on.size(), "nothing",
                    onChannel(channel));
        }
    }

    /** Every broadcast of {@code type} left out a sender's socket ({@code toOthers}), and there was one. */
    public void assertDispatchedToOthers(Class<?> type) {
        List<ResolvedBroadcast> ofType = broadcastsOf(type, e -> true);
        List<ResolvedBroadcast> toEveryone = ofType.stream().filter(b -> b.exceptSocketId() == null).toList();
        if (ofType.isEmpty() || !toEveryone.isEmpty()) {
            throw failure("Expected every " + type.getSimpleName() + " broadcast to leave out the sender (toOthers)"
                    + (ofType.isEmpty() ? ", but there was none" : ", but " + toEveryone.size() + " went to everyone"),
                    "toOthers", ofType.isEmpty() ? "no broadcast" : "to everyone");
        }
    }

    /**
     * Waits up to {@code timeout} for an event of {@code type}, for code that broadcasts from other
     * threads; returns the first one.
     */
    public <E> E awaitDispatched(Class<E> type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recorded) {
            while (true) {
                for (ResolvedBroadcast b : recorded) {
                    if (type.isInstance(b.event())) {
                        return type.cast(b.event());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    recorded.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw failure("Expected a " + type.getSimpleName() + " broadcast within " + timeout.toMillis() + " ms",
                "a " + type.getSimpleName(), "none");
    }

    private <E> List<ResolvedBroadcast> broadcastsOf(Class<E> type, Predicate<? super E> filter) {
        Objects.requireNonNull(type, "type");
        return broadcasts().stream()
                .filter(b -> type.isInstance(b.event()) && filter.test(type.cast(b.event())))
                .toList();
    }

    private String onChannel(Channel channel) {
        return broadcastsOn(channel).stream().map(FakeBroadcaster::describe).collect(Collectors.joining("\n"));
    }

    private AssertionFailedError failure(String message, Object expected, Object actual) {
        return new AssertionFailedError(message + ".\n" + dispatchedList(), expected, actual);
    }

    private String dispatchedList() {
        List<ResolvedBroadcast> all = broadcasts();
        if (all.isEmpty()) {
            return "Nothing was broadcast.";
        }
        return "Broadcast (" + all.size() + "):\n" + all.stream().map(b -> "  " + describe(b))
                .collect(Collectors.joining("\n"));
    }

    static String describe(ResolvedBroadcast b) {
        String type = b.event() == null ? "(anonymous)" : b.event().getClass().getSimpleName();
        String payload = b.payloadJson().length() > 200 ? b.payloadJson().substring(0, 200) + "…" : b.payloadJson();
        return type + " '" + b.name() + "' on " + b.channels().stream().map(Channel::name).toList()
                + " " + payload
                + (b.exceptSocketId() == null ? "" : " except " + b.exceptSocketId())
                + (b.now() ? " (now)" : " (queued)");
    }
}
