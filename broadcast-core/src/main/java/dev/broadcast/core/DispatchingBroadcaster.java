package dev.broadcast.core;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ConflatingBuffer;
import dev.broadcast.OutputBuffer;
import dev.broadcast.PendingBroadcast;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.broadcasting.Buffers;
import dev.broadcast.core.internal.broadcasting.Dispatcher;
import dev.broadcast.core.internal.broadcasting.EventResolver;
import dev.broadcast.core.internal.broadcasting.NotificationResolver;
import dev.broadcast.core.transport.SocketIds;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link Broadcaster} of {@code broadcast-core}: resolves events on the caller's thread and
 * hands them to a {@link BroadcastDriver}. Make one with {@link Broadcasters}.
 *
 * <p><b>Resolution.</b> What a class resolves to (is it a {@link dev.broadcast.ShouldBroadcast},
 * its annotations, compiled {@link dev.broadcast.BroadcastOn} templates and the accessors of their
 * placeholders) is found by reflection once per class and cached; each broadcast then reads the
 * event's name, channels and payload, serializes the payload to JSON once (Jackson; records, beans
 * and maps; Java time types as ISO-8601 strings such as {@code "2024-05-01T12:00:00Z"}), and checks
 * everything: an event that cannot be broadcast throws {@link IllegalArgumentException} naming its
 * class (and the placeholder, where one is at fault), and nothing is sent.
 *
 * <p><b>Queued sends.</b> {@link #broadcast(Object)} and {@link PendingBroadcast#send()} put the
 * broadcast on a bounded queue (10,000 by default) that one daemon thread,
 * {@code broadcast-dispatch}, drains in order; what is waiting is handed to the driver together, up
 * to 100 at a time ({@link BroadcastDriver#sendAll}). A full queue, a closed broadcaster or a
 * failing driver completes the returned stage exceptionally with a {@link BroadcastException}
 * and logs a WARN line with the event name and channels (never the payload); nothing is thrown at
 * the caller. Stages complete on the dispatcher thread, so actions chained without an executor run
 * there and should be short.
 *
 * <p><b>Batch window</b> (opt-in, {@link Builder#batchWindow}). With a window, a queued broadcast
 * is not handed over at once: the first one to wait opens the window, and when it ends everything
 * that waits goes to the driver together, in submission order, in lists of up to 100
 * ({@link BroadcastDriver#sendAll}). This trades up to one window of latency for fewer, larger
 * writes: the local driver writes a window's events to each subscriber back to back, which a
 * transport that coalesces writes sends in one, and the Pusher driver sends them as
 * {@code batch_events} requests of 10 instead of one request each. Now sends never wait.
 *
 * <p><b>Now sends.</b> Events that implement {@link dev.broadcast.ShouldBroadcastNow} or are
 * annotated {@link dev.broadcast.BroadcastNow} are sent on the caller's thread, and
 * {@link #broadcast(Object)} returns a stage that is already complete (exceptionally, and logged,
 * on failure). {@link PendingBroadcast#sendNow()} also sends on the caller's thread, and throws the
 * {@link BroadcastException} instead.
 *
 * <p><b>Notifications.</b> {@link #notify(Object, Object)} sends Laravel's
 * {@link Broadcaster#NOTIFICATION_EVENT} on {@code private-} + the {@link Builder#notificationChannel
 * notification channel template} resolved against the user ({@value #DEFAULT_NOTIFICATION_CHANNEL} by
 * default), through the same queue as {@link #broadcast(Object)}. The template is checked once when
 * the broadcaster is built; its placeholders are compiled once per user class, with the accessors
 * {@link dev.broadcast.BroadcastOn} placeholders use, and cached like event classes, failures included.
 *
 * <p><b>Throttled output.</b> {@link #buffer(Channel, String)} and {@link #conflate(Channel, String)}
 * collect high-frequency output and send at most one batch per window through the same queue. A
 * window's end is one task on the broadcaster's {@link Scheduler} ({@link Builder#scheduler}; by
 * default one daemon thread, {@code broadcast-timer}, started on first use and stopped by
 * {@link #close()}), scheduled by the first append of the window; an idle buffer holds no task.
 * Each batch's payload is encoded to JSON once, and the local driver encodes its frame once per
 * channel for all subscribers.
 *
 * <p>Thread-safe. {@link #close()} it when the application stops.
 */
public final class DispatchingBroadcaster implements Broadcaster, AutoCloseable {

    /** The default number of queued broadcasts waiting at most. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    /** The longest {@link Builder#batchWindow batch window} a broadcaster accepts. */
    public static final Duration MAX_BATCH_WINDOW = Duration.ofSeconds(10);

    /**
     * The notification channel template of Laravel's default user model, which laravel-echo's
     * examples subscribe to: {@code private-App.Models.User.{id}} on the wire.
     */
    public static final String DEFAULT_NOTIFICATION_CHANNEL = "App.Models.User.{id}";

    private static final NotificationResolver DEFAULT_NOTIFICATIONS = NotificationResolver.compile(DEFAULT_NOTIFICATION_CHANNEL);

    private final Dispatcher dispatcher;
    private final Buffers buffers;
    private final NotificationResolver notifications;

    private DispatchingBroadcaster(Builder builder) {
        this.notifications = builder.notifications;
        this.dispatcher = new Dispatcher(builder.driver, builder.queueCapacity, builder.onCallerThread,
                builder.closeTimeout, builder.batchWindow);
        this.buffers = new Buffers(dispatcher, builder.scheduler, builder.clock);
        dispatcher.timeWindowsWith(buffers);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the event cannot be resolved
     * @throws NullPointerException if {@code event} is null
     */
    @Override
    public CompletionStage<BroadcastReceipt> broadcast(Object event) {
        return send(event, null);
    }

    /**
     * {@inheritDoc} The view shares this broadcaster's queue, thread and driver, and stops working
     * when this broadcaster is closed.
     */
    @Override
    public Broadcaster toOthers(String socketId) {
        return socketId == null ? this : new Others(this, checkSocketId(socketId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The channel template is this broadcaster's {@link Builder#notificationChannel
     * notificationChannel}. The driver is handed a {@link ResolvedBroadcast} whose
     * {@link ResolvedBroadcast#event() event} is {@code notification} itself.
     */
    @Override
    public CompletionStage<BroadcastReceipt> notify(Object user, Object notification) {
        return dispatcher.submit(notifications.resolve(user, notification, null));
    }

    /**
     * The private channel {@link #notify(Object, Object)} sends {@code user}'s notifications on,
     * e.g. {@code private-App.Models.User.42} for a user whose id is 42 with the default template.
     * Useful to authorize it in channel routes, or to find a user's notifications among recorded
     * broadcasts.
     *
     * @throws NullPointerException if {@code user} is null
     * @throws IllegalArgumentException as {@link #notify(Object, Object)} for a user it cannot resolve
     */
    public Channel notificationChannel(Object user) {
        return notifications.channel(user);
    }

    /**
     * {@inheritDoc} The channels are checked when the broadcast is sent: at least one, none null.
     */
    @Override
    public PendingBroadcast on(Collection<? extends Channel> channels) {
        return Pending.of(this, channels, null);
    }

    /**
     * {@inheritDoc} Its window ends on this broadcaster's {@link Scheduler}.
     */
    @Override
    public OutputBuffer buffer(Channel channel, String event) {
        return buffers.buffer(channel, event, null);
    }

    /**
     * {@inheritDoc} Its window ends on this broadcaster's {@link Scheduler}.
     */
    @Override
    public ConflatingBuffer conflate(Channel channel, String event) {
        return buffers.conflate(channel, event, null);
    }

    /**
     * Sends what open {@link #buffer buffers} and {@link #conflate conflating buffers} have pending
     * and refuses their later appends with {@link IllegalStateException}; stops accepting broadcasts
     * (later ones fail with {@link BroadcastException}), ends the {@link Builder#batchWindow batch
     * window} at once, delivers what is queued or waiting in it, waiting at most
     * the close timeout (10 s by default) and failing what is left, then closes the driver and the
     * scheduler it made (never one given to the builder). Idempotent.
     */
    @Override
    public void close() {
        buffers.close();
        dispatcher.close();
    }

    private CompletionStage<BroadcastReceipt> send(Object event, String exceptSocketId) {
        EventResolver.Resolution resolution = EventResolver.resolve(event, exceptSocketId);
        if (resolution.skipped() != null) {
            return CompletableFuture.completedFuture(resolution.skipped());
        }
        return dispatcher.submit(resolution.broadcast());
    }

    private static String checkSocketId(String socketId) {
        if (socketId != null && !SocketIds.isValid(socketId)) {
            throw new IllegalArgumentException("A socket id looks like 1234.5678, not " + socketId);
        }
        return socketId;
    }

    /** The {@code toOthers} view: the same broadcaster, leaving out one connection. */
    private record Others(DispatchingBroadcaster owner, String socketId) implements Broadcaster {
        @Override
        public CompletionStage<BroadcastReceipt> broadcast(Object event) {
            return owner.send(event, socketId);
        }

        @Override
        public CompletionStage<BroadcastReceipt> notify(Object user, Object notification) {
            return owner.dispatcher.submit(owner.notifications.resolve(user, notification, socketId));
        }

        @Override
        public Broadcaster toOthers(String otherSocketId) {
            return owner.toOthers(otherSocketId); // replaces the socket left out; null: nobody
        }

        @Override
        public PendingBroadcast on(Collection<? extends Channel> channels) {
            return Pending.of(owner, channels, socketId);
        }

        @Override
        public OutputBuffer buffer(Channel channel, String event) {
            return owner.buffers.buffer(channel, event, socketId);
        }

        @Override
        public ConflatingBuffer conflate(Channel channel, String event) {
            return owner.buffers.conflate(channel, event, socketId);
        }
    }

    /** An anonymous broadcast being put together; immutable. */
    private record Pending(DispatchingBroadcaster owner, List<Channel> channels, String name, Object payload,
            String exceptSocketId) implements PendingBroadcast {

        static Pending of(DispatchingBroadcaster owner, Collection<? extends Channel> channels, String exceptSocketId) {
            // a copy that may hold nulls, so that send() reports them with their index
            List<Channel> copy = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(channels, "channels")));
            return new Pending(owner, copy, null, null, exceptSocketId);
        }

        @Override
        public PendingBroadcast as(String event) {
            return new Pending(owner, channels, Objects.requireNonNull(event, "event"), payload, exceptSocketId);
        }

        @Override
        public PendingBroadcast with(Object newPayload) {
            return new Pending(owner, channels, name, Objects.requireNonNull(newPayload, "payload"), exceptSocketId);
        }

        @Override
        public PendingBroadcast toOthers(String socketId) {
            return new Pending(owner, channels, name, payload, checkSocketId(socketId));
        }

        @Override
        public CompletionStage<BroadcastReceipt> send() {
            return owner.dispatcher.submit(EventResolver.anonymous(channels, name, payload, exceptSocketId, false));
        }

        @Override
        public BroadcastReceipt sendNow() {
            return owner.dispatcher.sendNow(EventResolver.anonymous(channels, name, payload, exceptSocketId, true));
        }
    }

    /**
     * Configures a {@link DispatchingBroadcaster}; start with {@link Broadcasters#builder(BroadcastDriver)}.
     */
    public static final class Builder {
        private final BroadcastDriver driver;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private boolean onCallerThread;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration batchWindow;
        private Scheduler scheduler;
        private InstantSource clock = InstantSource.system();
        private NotificationResolver notifications = DEFAULT_NOTIFICATIONS;

        Builder(BroadcastDriver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * How many queued broadcasts may wait for the dispatcher; one more fails at once with a
         * {@link BroadcastException}. 10,000 by default.
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * No dispatcher thread: queued broadcasts are delivered at once on the caller's thread, and
         * the stage is complete when {@code broadcast} returns. They are still marked
         * {@link ResolvedBroadcast#now() now == false}, so a recording driver sees what would have
         * been queued. Meant for tests and fakes.
         *
         * <p>With a {@link #batchWindow batch window} the window still applies: a queued broadcast
         * waits, and the batch is delivered on the thread that ends the window, the scheduler's
         * (in tests, the one that advances a manual scheduler) or {@link DispatchingBroadcaster#close()}'s.
         */
        public Builder dispatchOnCallerThread() {
            this.onCallerThread = true;
            return this;
        }

        /** How long {@link DispatchingBroadcaster#close()} waits for queued broadcasts; 10 s by default. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative: " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Collects queued broadcasts for {@code window} and hands them to the driver together;
         * by default there is no window and each queued broadcast goes to the dispatcher at once.
         *
         * <p>The first queued broadcast ({@link DispatchingBroadcaster#broadcast}, {@link PendingBroadcast#send()},
         * batches of {@link DispatchingBroadcaster#buffer buffers}) to wait opens a window; it ends
         * {@code window} later by the {@link #clock clock}, as one task on the {@link #scheduler
         * scheduler} (no task per broadcast, none while nothing waits). Then everything waiting is
         * handed to {@link BroadcastDriver#sendAll} in submission order, up to 100 at a time,
         * the rest at once after; the next queued broadcast opens a new window.
         *
         * <p>Why: the local driver then writes a window's events to each subscriber back to back,
         * which a transport that coalesces writes sends in one write, and the Pusher driver sends
         * single-channel events as {@code batch_events} requests of 10 instead of one HTTP request
         * each. The cost is latency: a queued broadcast waits up to one window longer. Now sends
         * ({@link dev.broadcast.ShouldBroadcastNow}, {@link dev.broadcast.BroadcastNow},
         * {@link PendingBroadcast#sendNow()}) never wait. Stages complete when the batch was
         * delivered (exceptionally, and logged, if it failed); waiting broadcasts count towards
         * the {@link #queueCapacity queue capacity}; {@link DispatchingBroadcaster#close()} ends the
         * window at once.
         *
         * @param window positive and at most {@link DispatchingBroadcaster#MAX_BATCH_WINDOW} (10 s);
         *               a few milliseconds is typical
         * @throws IllegalArgumentException if {@code window} is zero, negative or over 10 s
         */
        public Builder batchWindow(Duration window) {
            Objects.requireNonNull(window, "batchWindow");
            if (window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("batchWindow must be positive: " + window);
            }
            if (window.compareTo(MAX_BATCH_WINDOW) > 0) {
                throw new IllegalArgumentException("batchWindow must be at most " + MAX_BATCH_WINDOW + ": " + window);
            }
            this.batchWindow = window;
            return this;
        }

        /**
         * Where the windows of {@link DispatchingBroadcaster#buffer buffers} and the
         * {@link #batchWindow batch window} end: one task per window with something pending,
         * none while idle. By default a daemon thread, {@code broadcast-timer}, started on first
         * use and stopped when the broadcaster closes;
         * a scheduler given here belongs to the caller and is not stopped. Tests give a manual
         * scheduler to move time by hand.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The clock buffers and the batch window read when a window opens and ends, so a
         * scheduler that fires early never cuts a window short; the system clock by default. Give
         * the clock a manual scheduler runs on.
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The channel {@link DispatchingBroadcaster#notify notifications} go to, as a template of
         * the name without its {@code private-} prefix whose placeholders are read from the user:
         * {@value DispatchingBroadcaster#DEFAULT_NOTIFICATION_CHANNEL} by default, as in Laravel's
         * {@code receivesBroadcastNotificationsOn()} for {@code App\Models\User}. A Java application
         * whose browsers subscribe to, say, {@code echo.private('users.' + id)} sets
         * {@code "users.{id}"}; placeholders are read as {@link dev.broadcast.BroadcastOn}'s
         * ({@code {id}}, {@code {team.id}}), and {@code "tenants.{tenantId}.users.{id}"} takes two.
         *
         * <p>Checked here, once: the braces balance and no placeholder or property name in one is
         * empty; there is at least one placeholder (else every user would share one channel); it does
         * not start with {@code private-}; and its literal text, with {@code private-} and one
         * character for each placeholder, makes a valid channel name of at most
         * {@value Channel#MAX_NAME_LENGTH} characters ({@code A-Z a-z 0-9 _ - = @ , . ;}). Whether a
         * user has the properties is checked when the first user of its class is notified.
         *
         * @throws NullPointerException if {@code template} is null
         * @throws IllegalArgumentException if {@code template} breaks one of the rules above; the
         *         message names the template and the rule
         */
        public Builder notificationChannel(String template) {
            this.notifications = NotificationResolver.compile(template);
            return this;
        }

        /** The broadcaster; its dispatcher thread (if any) is running. */
        public DispatchingBroadcaster build() {
            return new DispatchingBroadcaster(this);
        }
    }
}
