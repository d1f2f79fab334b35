package dev.broadcast.core.driver;

import dev.broadcast.Channel;
import java.util.List;
import java.util.Objects;

/**
 * A broadcast worked out and ready to send: what a {@link BroadcastDriver} is handed. A
 * {@link dev.broadcast.core.DispatchingBroadcaster} makes it on the caller's thread, so by the time a driver sees one,
 * everything that can be wrong with the event itself has been checked.
 *
 * <p>Guarantees for drivers: {@code name} is 1 to 200 characters; {@code channels} is an immutable,
 * non-empty list of valid channels without nulls; {@code payloadJson} is the event's payload as
 * one JSON document, encoded once for every channel and driver (it is the {@code data} clients
 * receive); {@code exceptSocketId}, when present, looks like {@code 1234.5678}.
 *
 * @param event          the event object the broadcast came from, for drivers and tests that want to
 *                       inspect it; the notification object for a notification
 *                       ({@link dev.broadcast.Broadcaster#notify(Object, Object)}, named
 *                       {@link dev.broadcast.Broadcaster#NOTIFICATION_EVENT}); {@code null} for an
 *                       anonymous broadcast ({@link dev.broadcast.Broadcaster#on})
 * @param name           the event name clients listen for
 * @param channels       the channels to send on, in the order the event gave them
 * @param payloadJson    the payload as JSON text
 * @param exceptSocketId the connection to leave out ({@code toOthers}), or {@code null} for none
 * @param now            whether the broadcast is sent on the caller's thread
 *                       ({@link dev.broadcast.ShouldBroadcastNow}, {@link dev.broadcast.BroadcastNow},
 *                       {@link dev.broadcast.PendingBroadcast#sendNow()}) rather than queued
 */
public record ResolvedBroadcast(Object event, String name, List<Channel> channels, String payloadJson,
        String exceptSocketId, boolean now) {

    public ResolvedBroadcast {
        Objects.requireNonNull(name, "name");
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("A broadcast needs at least one channel");
        }
        Objects.requireNonNull(payloadJson, "payloadJson");
    }

    /** Name, channels, exclusion and payload size; never the payload, so it is safe to log. */
    @Override
    public String toString() {
        return "ResolvedBroadcast[name=" + name + ", channels=" + channelNames() + ", payload="
                + payloadJson.length() + " chars" + (exceptSocketId == null ? "" : ", except=" + exceptSocketId)
                + (now ? ", now" : "") + "]";
    }

    /** The wire names of {@link #channels()}, e.g. {@code private-user.7}. */
    public List<String> channelNames() {
        return channels.stream().map(Channel::name).toList();
    }
}
