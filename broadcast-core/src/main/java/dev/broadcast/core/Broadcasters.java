package dev.broadcast.core;

import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.internal.broadcasting.LocalDriver;
import dev.broadcast.core.internal.broadcasting.LogDriver;
import dev.broadcast.core.internal.broadcasting.NullDriver;
import dev.broadcast.core.internal.broadcasting.PusherDriver;
import java.net.URI;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Where broadcasters and their drivers are made. {@link #local}, {@link #pusher}, {@link #log} and
 * {@link #none} return a ready {@link DispatchingBroadcaster} with the default queue (10,000) and
 * close timeout (10 s); for other settings (a batch window, a caller-thread dispatch) start a
 * {@link #builder(BroadcastDriver) builder} from one of the drivers ({@link #localDriver},
 * {@link #pusherDriver}, {@link #logDriver}, {@link #noDriver}) or from a driver of your own.
 *
 * <pre>{@code
 * DispatchingBroadcaster broadcaster = Broadcasters.local(hub, "app-1");          // same JVM
 * DispatchingBroadcaster remote = Broadcasters.pusher(URI.create("http://127.0.0.1:8080"), "app-1", key, secret);
 * remote.toOthers(socketId).broadcast(new TaskUpdated(task));
 * DispatchingBroadcaster batched = Broadcasters.builder(Broadcasters.localDriver(hub, "app-1"))
 *         .batchWindow(Duration.ofMillis(5)).build();
 * }</pre>
 */
public final class Broadcasters {

    private Broadcasters() {
    }

    /** Broadcasts to {@code hub}'s app {@code appId} in this JVM; see {@link #localDriver}. */
    public static DispatchingBroadcaster local(BroadcastHub hub, String appId) {
        return builder(localDriver(hub, appId)).build();
    }

    /** Broadcasts through a Pusher-compatible server's HTTP API; see {@link #pusherDriver}. */
    public static DispatchingBroadcaster pusher(URI baseUrl, String appId, String key, String secret) {
        return builder(pusherDriver(baseUrl, appId, key, secret)).build();
    }

    /** Logs broadcasts instead of sending them; see {@link #logDriver()}. */
    public static DispatchingBroadcaster log() {
        return builder(logDriver()).build();
    }

    /** Resolves broadcasts (so invalid events still fail) and sends nothing; see {@link #noDriver()}. */
    public static DispatchingBroadcaster none() {
        return builder(noDriver()).build();
    }

    /** Configures a broadcaster over any driver. */
    public static DispatchingBroadcaster.Builder builder(BroadcastDriver driver) {
        return new DispatchingBroadcaster.Builder(driver);
    }

    /**
     * The driver that sends to the subscribers of {@code hub}'s app {@code appId}, in this JVM.
     * Receipts count the connections reached. Each broadcast is checked once against the app's
     * {@link dev.broadcast.core.config.Limits} (event name length, data size, channel count; names
     * and channels were checked when it was resolved) and refused as a whole with a
     * {@link dev.broadcast.BroadcastException} naming the limit; so are encrypted channels (the hub
     * relays payloads as given and this driver holds no encryption key). Closing the driver leaves
     * the hub running: it belongs to the caller.
     *
     * @throws IllegalArgumentException if the hub hosts no app {@code appId}
     */
    public static BroadcastDriver localDriver(BroadcastHub hub, String appId) {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(appId, "appId");
        return new LocalDriver(hub.triggerTarget(appId));
    }

    /**
     * The driver that sends through the Pusher HTTP API of any Pusher-compatible server: this
     * project's standalone server, Laravel Reverb, soketi, or Pusher itself
     * ({@code https://api-{cluster}.pusher.com}). Each request is a signed
     * {@code POST {baseUrl}/apps/{appId}/events} over HTTP/1.1 (5 s to connect, 10 s to answer);
     * broadcasts on more than 100 channels are split over several requests, and single-channel
     * broadcasts waiting together in the dispatcher go out as {@code batch_events} of at most 10.
     * Any answer but 200 is a {@link dev.broadcast.BroadcastException} with the status and the
     * server's body. Receipts cannot count connections. Encrypted channels are refused: this driver
     * holds no encryption master key.
     *
     * @param baseUrl where the API is served, e.g. {@code http://127.0.0.1:8080}; a path prefix
     *                ({@code https://example.com/ws}) is kept
     * @throws IllegalArgumentException if the URL is not http(s) with a host, or a credential is empty
     */
    public static BroadcastDriver pusherDriver(URI baseUrl, String appId, String key, String secret) {
        return new PusherDriver(Objects.requireNonNull(baseUrl, "baseUrl"), appId, key, secret, InstantSource.system());
    }

    /**
     * The driver that logs each broadcast at INFO (event name, channels, payload size in bytes, the
     * excluded socket) under the logger {@code dev.broadcast.core.Broadcasters}, and sends nothing.
     * The payload itself is never logged.
     */
    public static BroadcastDriver logDriver() {
        return new LogDriver();
    }

    /** The driver that sends nothing and logs nothing; every broadcast succeeds. */
    public static BroadcastDriver noDriver() {
        return new NullDriver();
    }
}
