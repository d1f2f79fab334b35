package dev.broadcast.core.internal;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.App;
import dev.broadcast.core.BroadcastDriver;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.ResolvedBroadcast;
import java.util.OptionalInt;

/** Sends to the subscribers of a hub in this JVM through {@link BroadcastHub#trigger}. */
public final class LocalDriver implements BroadcastDriver {

    private final BroadcastHub hub;
    private final String appId;

    public LocalDriver(BroadcastHub hub, String appId) {
        this.hub = hub;
        this.appId = appId;
        if (hub.apps().stream().map(App::id).noneMatch(appId::equals)) {
            throw new IllegalArgumentException("The hub hosts no app with id " + appId);
        }
    }

    @Override
    public BroadcastReceipt deliver(ResolvedBroadcast broadcast) {
        for (Channel channel : broadcast.channels()) {
            if (channel.type() == ChannelType.ENCRYPTED_PRIVATE) {
                throw new BroadcastException("The local driver cannot encrypt: event " + broadcast.name()
                        + " is for the encrypted channel " + channel.name() + ", and the hub relays payloads as"
                        + " given (end-to-end encryption needs the payload encrypted with the app's encryption"
                        + " master key before it is sent)");
            }
        }
        int reached;
        try {
            reached = hub.trigger(appId, broadcast.channelNames(), broadcast.name(), broadcast.payloadJson(),
                    broadcast.exceptSocketId());
        } catch (IllegalArgumentException e) {
            throw new BroadcastException("The hub refused event " + broadcast.name() + ": " + e.getMessage(), e);
        }
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.of(reached));
    }
}
