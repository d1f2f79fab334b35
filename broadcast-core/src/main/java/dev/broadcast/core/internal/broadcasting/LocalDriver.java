package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.engine.TriggerTarget;
import dev.broadcast.core.internal.wire.TriggerLimits;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code Broadcasters.localDriver(hub, appId)}: sends to the subscribers of one app of the engine in
 * this JVM, through the narrow {@link TriggerTarget} the hub hands out. A resolved broadcast's names
 * and channels are valid already, so only the app's limits are checked here, once.
 */
public final class LocalDriver implements BroadcastDriver {

    private final TriggerTarget app;

    public LocalDriver(TriggerTarget app) {
        this.app = app;
    }

    @Override
    public BroadcastReceipt send(ResolvedBroadcast broadcast) {
        for (Channel channel : broadcast.channels()) {
            if (channel.type() == ChannelType.ENCRYPTED_PRIVATE) {
                throw new BroadcastException("The local driver cannot encrypt: event " + broadcast.name()
                        + " is for the encrypted channel " + channel.name() + ", and the hub relays payloads as"
                        + " given (end-to-end encryption needs the payload encrypted with the app's encryption"
                        + " master key before it is sent)");
            }
        }
        List<String> channels = broadcast.channelNames();
        String problem = TriggerLimits.limitsProblem(channels.size(), broadcast.name(), broadcast.payloadJson(),
                app.app().limits());
        if (problem != null) {
            throw new BroadcastException("The hub refused event " + broadcast.name() + ": " + problem,
                    new IllegalArgumentException(problem));
        }
        int reached = app.trigger(channels, broadcast.name(), broadcast.payloadJson(), broadcast.exceptSocketId());
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.of(reached));
    }
}
