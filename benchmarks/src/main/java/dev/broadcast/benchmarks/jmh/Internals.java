package dev.broadcast.benchmarks.jmh;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.internal.ClientConnection;
import dev.broadcast.core.internal.Hub;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Reaches the package-private {@code ChannelRegistry} of an app, which no public API exposes, so a
 * benchmark can measure the registry without the protocol around it. Works only on the class path
 * (where the core is not a named module, as in the shaded benchmarks jar). The handles are
 * constants, so a call costs what a direct call does once JIT-compiled.
 */
final class Internals {

    private static final String REGISTRY = "dev.broadcast.core.internal.ChannelRegistry";

    /** {@code (Object registry, String channel, ClientConnection c) -> Joined}: public channel, no member. */
    private static final MethodHandle SUBSCRIBE;
    /** {@code (Object registry, String channel, ClientConnection c) -> Left}: no presence user. */
    private static final MethodHandle UNSUBSCRIBE;

    static {
        try {
            Class<?> registry = Class.forName(REGISTRY);
            Class<?> member = Class.forName(REGISTRY + "$Member");
            Class<?> joined = Class.forName(REGISTRY + "$Joined");
            Class<?> left = Class.forName(REGISTRY + "$Left");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(registry, MethodHandles.lookup());
            MethodType shape = MethodType.methodType(Object.class, Object.class, String.class, ClientConnection.class);
            MethodHandle subscribe = lookup.findVirtual(registry, "subscribe",
                    MethodType.methodType(joined, String.class, ClientConnection.class, member, int.class));
            SUBSCRIBE = MethodHandles.insertArguments(subscribe, 3, null, 0).asType(shape);
            MethodHandle unsubscribe = lookup.findVirtual(registry, "unsubscribe",
                    MethodType.methodType(left, String.class, ClientConnection.class, String.class));
            UNSUBSCRIBE = MethodHandles.insertArguments(unsubscribe, 3, (Object) null).asType(shape);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("ChannelRegistry changed shape; update this benchmark: " + e);
        }
    }

    private Internals() {
    }

    /** The channel registry of {@code appId} in {@code hub}. */
    static Object registry(BroadcastHub hub, String appId) {
        try {
            Field hubField = BroadcastHub.class.getDeclaredField("hub");
            hubField.setAccessible(true);
            Hub inner = (Hub) hubField.get(hub);
            Object runtime = inner.byId(appId);
            Field channels = runtime.getClass().getDeclaredField("channels");
            channels.setAccessible(true);
            Object registry = channels.get(runtime);
            if (!registry.getClass().getName().equals(REGISTRY)) {
                throw new IllegalStateException("unexpected registry class " + registry.getClass());
            }
            return registry;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the channel registry; update this benchmark", e);
        }
    }

    static Object subscribe(Object registry, String channel, ClientConnection connection) {
        try {
            return (Object) SUBSCRIBE.invokeExact(registry, channel, connection);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Object unsubscribe(Object registry, String channel, ClientConnection connection) {
        try {
            return (Object) UNSUBSCRIBE.invokeExact(registry, channel, connection);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
