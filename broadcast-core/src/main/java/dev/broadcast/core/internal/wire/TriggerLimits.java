package dev.broadcast.core.internal.wire;

import dev.broadcast.core.config.Limits;
import java.util.Collection;

/**
 * The limits of one trigger (an event on channels), in one place for every way in: the hub's
 * {@code trigger}, the HTTP API and event resolution. Each check answers why a value is refused,
 * or null; callers turn the answer into their own status code or exception, and name the subject
 * themselves where they say more than "Event name".
 */
public final class TriggerLimits {

    private TriggerLimits() {
    }

    /**
     * Why {@code name} cannot be an event name of at most {@code maxLength} characters, as the
     * rest of a sentence about it ("is empty"), or null.
     */
    public static String eventName(String name, int maxLength) {
        if (name == null) {
            return "is null";
        }
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > maxLength) {
            return "is longer than " + maxLength + " characters (" + name.length() + ")";
        }
        return null;
    }

    /** Why {@code data} is too large for {@code limits}, as the rest of a sentence about it, or null. */
    public static String data(String data, Limits limits) {
        int bytes = Json.utf8Length(data);
        if (bytes > limits.maxEventDataBytes()) {
            return "is larger than " + limits.maxEventDataBytes() + " bytes (" + bytes + " bytes in UTF-8)";
        }
        return null;
    }

    /** Why a trigger may not go to {@code count} channels, as a sentence, or null. */
    public static String channelCount(int count, Limits limits) {
        if (count == 0) {
            return "No channel to trigger on";
        }
        if (count > limits.maxChannelsPerTrigger()) {
            return "Cannot trigger on more than " + limits.maxChannelsPerTrigger() + " channels at once ("
                    + count + " given)";
        }
        return null;
    }

    /**
     * Why a trigger may not go to {@code channel}, as a sentence naming it, or null. Besides
     * ordinary names, the server-to-user channels are allowed ({@link ChannelNames#triggerProblem}).
     */
    public static String channel(String channel) {
        String problem = ChannelNames.triggerProblem(channel);
        return problem == null ? null : problem + ": " + channel;
    }

    /** The first problem of a whole trigger, as a sentence, or null when {@code limits} allow it. */
    public static String problem(Collection<String> channels, String event, String data, Limits limits) {
        String problem = limitsProblem(channels.size(), event, data, limits);
        return problem != null ? problem : channelNamesProblem(channels);
    }

    /** The first problem of the channels of a trigger (their count, then each name), as a sentence, or null. */
    public static String channelsProblem(Collection<String> channels, Limits limits) {
        String problem = channelCount(channels.size(), limits);
        return problem != null ? problem : channelNamesProblem(channels);
    }

    private static String channelNamesProblem(Collection<String> channels) {
        for (String channel : channels) {
            String problem = channel(channel);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * The first problem of a trigger whose channel names are known to be valid (they came from
     * {@link dev.broadcast.Channel}s): the event name, the data and the channel count against
     * {@code limits}, as a sentence, or null.
     */
    public static String limitsProblem(int channelCount, String event, String data, Limits limits) {
        String problem = eventName(event, limits.maxEventNameLength());
        if (problem != null) {
            return "Event name " + problem;
        }
        problem = data(data, limits);
        if (problem != null) {
            return "Event data " + problem;
        }
        return channelCount(channelCount, limits);
    }
}
