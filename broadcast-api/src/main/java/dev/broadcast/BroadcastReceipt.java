package dev.broadcast;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a completed broadcast did.
 *
 * @param event       the event name sent
 * @param channels    the channels it was sent on
 * @param connections how many connections it was queued for, where the driver can know (the
 *                    local driver can; a remote server's HTTP API does not say); empty otherwise
 */
public record BroadcastReceipt(String event, List<Channel> channels, OptionalInt connections) {
    public BroadcastReceipt {
        Objects.requireNonNull(event, "event");
        channels = List.copyOf(channels);
        Objects.requireNonNull(connections, "connections");
    }
}
