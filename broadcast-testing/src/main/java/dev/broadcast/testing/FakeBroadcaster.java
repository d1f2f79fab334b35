package dev.broadcast.testing;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.PendingBroadcast;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
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
 *
 * <p><b>Notifications.</b> {@link #notify(Object, Object) notify(user, notification)} is recorded as
 * the broadcast the real broadcaster sends (event {@link Broadcaster#NOTIFICATION_EVENT} on the
 * user's private channel, the notification as its {@link ResolvedBroadcast#event() event}), so the
 * {@code assertDispatched} family sees it too; {@link #notified(Object, Class)},
 * {@link #assertNotified(Object, Class)} and the rest look at notifications only, in the words of
 * Laravel's {@code Notification::fake()}:
 *
 * <pre>{@code
 * billing.markPaid(invoice, fake);
 * fake.assertNotified(invoice.customer(), InvoicePaid.class, n -> n.invoiceId() == invoice.id());
 * fake.assertNotNotified(42L, InvoiceOverdue.class);
 * }</pre>
 *
 * <p>A user is matched by the channel its notifications go to, so {@code 42L}, {@code "42"} and a
 * {@code User} whose id is 42 are the same recipient under the default template
 * ({@code App.Models.User.{id}}). An application that configures another template gives the fake
 * the same one: {@code FakeBroadcaster.builder().notificationChannel("users.{id}").build()}.
 *
 * <p>Thread-safe.
 */
public final class FakeBroadcaster implements Broadcaster {

    private final List<ResolvedBroadcast> recorded = new ArrayList<>();
    private final DispatchingBroadcaster delegate;

    private FakeBroadcaster(Builder builder) {
        BroadcastDriver recorder = broadcast -> {
            synchronized (recorded) {
                recorded.add(broadcast);
                recorded.notifyAll();
            }
            return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
        };
        this.delegate = Broadcasters.builder(recorder).dispatchOnCallerThread()
                .notificationChannel(builder.notificationChannel).build();
    }

    /** A fake with nothing recorded, notifying on the default channel template {@code App.Models.User.{id}}. */
    public static FakeBroadcaster create() {
        return builder().build();
    }

    /** Configures a fake: for an application whose broadcaster has another notification channel template. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<BroadcastReceipt> broadcast(Object event) {
        return delegate.broadcast(event);
    }

    /** {@inheritDoc} Recorded as the broadcast the real broadcaster would send. */
    @Override
    public CompletionStage<BroadcastReceipt> notify(Object user, Object notification) {
        return delegate.notify(user, notification);
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

    /** The notifications of {@code type} (or its subtypes) sent to anyone, in order. */
    public <N> List<N> notified(Class<N> type) {
        return notificationsOf(null, type, n -> true).stream().map(b -> type.cast(b.event())).toList();
    }

    /**
     * The notifications of {@code type} (or its subtypes) sent to {@code user}, in order: those on the
     * channel {@code user}'s notifications go to.
     *
     * @throws IllegalArgumentException if {@code user} cannot be resolved to a channel, as in
     *         {@link #notify(Object, Object)}
     */
    public <N> List<N> notified(Object user, Class<N> type) {
        return notificationsOf(channelOf(user), type, n -> true).stream().map(b -> type.cast(b.event())).toList();
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

    /** A notification of {@code type} was sent to {@code user} (Laravel's {@code assertSentTo}). */
    public void assertNotified(Object user, Class<?> type) {
        assertNotified(user, type, n -> true);
    }

    /** A notification of {@code type} matching {@code filter} was sent to {@code user}. */
    public <N> void assertNotified(Object user, Class<N> type, Predicate<? super N> filter) {
        Channel channel = channelOf(user);
        if (notificationsOf(channel, type, filter).isEmpty()) {
            int ofType = notificationsOf(channel, type, n -> true).size();
            throw notificationFailure("Expected a " + type.getSimpleName() + " notification to " + channel.name()
                    + (ofType == 0 ? "" : " matching the predicate; none of the " + ofType + " matched"),
                    "at least 1 " + type.getSimpleName() + " to " + channel.name(), ofType + " matching 0");
        }
    }

    /** No notification of {@code type} was sent to {@code user} (Laravel's {@code assertNotSentTo}). */
    public void assertNotNotified(Object user, Class<?> type) {
        Channel channel = channelOf(user);
        int actual = notificationsOf(channel, type, n -> true).size();
        if (actual > 0) {
            throw notificationFailure("Expected no " + type.getSimpleName() + " notification to " + channel.name()
                    + " but found " + actual, 0, actual);
        }
    }

    /** No notification at all was sent, to anyone (Laravel's {@code assertNothingSent}). */
    public void assertNothingNotified() {
        int actual = notifications().size();
        if (actual > 0) {
            throw notificationFailure("Expected nothing to be notified but found " + actual, 0, actual);
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

    private Channel channelOf(Object user) {
        return delegate.notificationChannel(user);
    }

    /** The recorded notifications: broadcasts made by {@code notify}. */
    private List<ResolvedBroadcast> notifications() {
        return broadcasts().stream()
                .filter(b -> b.event() != null && b.name().equals(Broadcaster.NOTIFICATION_EVENT))
                .toList();
    }

    /** The notifications of {@code type} matching {@code filter} on {@code channel} (any when null). */
    private <N> List<ResolvedBroadcast> notificationsOf(Channel channel, Class<N> type, Predicate<? super N> filter) {
        Objects.requireNonNull(type, "type");
        return notifications().stream()
                .filter(b -> channel == null || b.channels().contains(channel))
                .filter(b -> type.isInstance(b.event()) && filter.test(type.cast(b.event())))
                .toList();
    }

    private AssertionFailedError notificationFailure(String message, Object expected, Object actual) {
        List<ResolvedBroadcast> all = notifications();
        String list = all.isEmpty() ? "Nothing was notified." : "Notified (" + all.size() + "):\n" + all.stream()
                .map(b -> "  " + b.event().getClass().getSimpleName() + " to " + b.channels().get(0).name() + " "
                        + payload(b) + (b.exceptSocketId() == null ? "" : " except " + b.exceptSocketId()))
                .collect(Collectors.joining("\n"));
        return new AssertionFailedError(message + ".\n" + list, expected, actual);
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

    private static String payload(ResolvedBroadcast b) {
        return b.payloadJson().length() > 200 ? b.payloadJson().substring(0, 200) + "…" : b.payloadJson();
    }

    static String describe(ResolvedBroadcast b) {
        String type = b.event() == null ? "(anonymous)" : b.event().getClass().getSimpleName();
        return type + " '" + b.name() + "' on " + b.channels().stream().map(Channel::name).toList()
                + " " + payload(b)
                + (b.exceptSocketId() == null ? "" : " except " + b.exceptSocketId())
                + (b.now() ? " (now)" : " (queued)");
    }

    /** Configures a {@link FakeBroadcaster}; start with {@link FakeBroadcaster#builder()}. */
    public static final class Builder {
        private String notificationChannel = DispatchingBroadcaster.DEFAULT_NOTIFICATION_CHANNEL;

        private Builder() {
        }

        /**
         * The notification channel template, as given to the application's broadcaster
         * ({@code DispatchingBroadcaster.Builder.notificationChannel}, or the Spring property
         * {@code broadcast.notification-channel}); {@code App.Models.User.{id}} by default. Checked
         * by {@link #build()} as the real broadcaster checks it.
         */
        public Builder notificationChannel(String template) {
            this.notificationChannel = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * The fake, with nothing recorded.
         *
         * @throws IllegalArgumentException if the real broadcaster would refuse the notification channel template
         */
        public FakeBroadcaster build() {
            return new FakeBroadcaster(this);
        }
    }
}
