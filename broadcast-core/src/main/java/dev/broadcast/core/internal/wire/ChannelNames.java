package dev.broadcast.core.internal.wire;

import dev.broadcast.Channel;

/** Channel-name rules the wire needs beyond {@link Channel#nameProblem(String)}. */
public final class ChannelNames {

    /** pusher-js subscribes a signed-in connection to this channel plus its user id. */
    public static final String USER_CHANNEL_PREFIX = "#server-to-user-";

    private ChannelNames() {
    }

    public static boolean isCache(String channel) {
        return channel.startsWith("cache-") || channel.startsWith("private-cache-")
                || channel.startsWith("private-encrypted-cache-") || channel.startsWith("presence-cache-");
    }

    public static boolean isUserChannel(String channel) {
        return channel.startsWith(USER_CHANNEL_PREFIX) && channel.length() > USER_CHANNEL_PREFIX.length();
    }

    /**
     * Why an API caller may not trigger on {@code channel}, or null. Besides ordinary names, the
     * server-to-user channels are allowed, which is how SDKs implement {@code sendToUser}.
     */
    public static String triggerProblem(String channel) {
        if (channel != null && isUserChannel(channel) && channel.length() <= Channel.MAX_NAME_LENGTH) {
            return null;
        }
        return Channel.nameProblem(channel);
    }
}
