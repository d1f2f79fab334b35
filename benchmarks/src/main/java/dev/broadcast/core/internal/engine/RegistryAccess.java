package dev.broadcast.core.internal.engine;

/**
 * The benchmarks' way to the channel registry of a connection's app, which no public API exposes:
 * it lives in the registry's own package (on the class path, where the core is not a named
 * module), so the calls are plain calls, measured as the engine makes them.
 */
public final class RegistryAccess {

    private RegistryAccess() {
    }

    /** The channel registry of {@code connection}'s app. */
    public static Object registry(ClientConnection connection) {
        return connection.runtime.channels;
    }

    /** Subscribes {@code connection} to the public {@code channel}, as a subscribe message does. */
    public static Object subscribe(Object registry, String channel, ClientConnection connection) {
        return ((ChannelRegistry) registry).subscribe(channel, connection, null, 0, null);
    }

    /** Unsubscribes {@code connection} from the public {@code channel}. */
    public static Object unsubscribe(Object registry, String channel, ClientConnection connection) {
        return ((ChannelRegistry) registry).unsubscribe(channel, connection, null);
    }
}
