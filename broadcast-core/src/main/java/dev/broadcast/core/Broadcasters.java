package dev.broadcast.core;

import java.net.URI;

/**
 * Ready-made {@link DriverBroadcaster}s, one per driver of {@link BroadcastDriver}, with the
 * default queue (10,000) and close timeout (10 s); {@link #builder(BroadcastDriver)} for others.
 *
 * <pre>{@code
 * DriverBroadcaster broadcaster = Broadcasters.local(hub, "app-1");          // same JVM
 * DriverBroadcaster remote = Broadcasters.pusher(URI.create("http://127.0.0.1:8080"), "app-1", key, secret);
 * remote.toOthers(socketId).broadcast(new TaskUpdated(task));
 * }</pre>
 */
public final class Broadcasters {

    private Broadcasters() {
    }

    /** Broadcasts to {@code hub}'s app {@code appId} in this JVM; see {@link BroadcastDriver#local}. */
    public static DriverBroadcaster local(BroadcastHub hub, String appId) {
        return builder(BroadcastDriver.local(hub, appId)).build();
    }

    /** Broadcasts through a Pusher-compatible server's HTTP API; see {@link BroadcastDriver#pusher}. */
    public static DriverBroadcaster pusher(URI baseUrl, String appId, String key, String secret) {
        return builder(BroadcastDriver.pusher(baseUrl, appId, key, secret)).build();
    }

    /** Logs broadcasts instead of sending them; see {@link BroadcastDriver#log()}. */
    public static DriverBroadcaster log() {
        return builder(BroadcastDriver.log()).build();
    }

    /** Resolves broadcasts (so invalid events still fail) and sends nothing; see {@link BroadcastDriver#none()}. */
    public static DriverBroadcaster none() {
        return builder(BroadcastDriver.none()).build();
    }

    /** Configures a broadcaster over any driver. */
    public static DriverBroadcaster.Builder builder(BroadcastDriver driver) {
        return new DriverBroadcaster.Builder(driver);
    }
}
