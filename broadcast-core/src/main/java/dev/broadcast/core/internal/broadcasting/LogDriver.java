package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.wire.Json;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code Broadcasters.logDriver()}: logs each broadcast at INFO (name, channels, payload size, excluded socket) and sends nothing. */
public final class LogDriver implements BroadcastDriver {

    private static final Logger LOG = LoggerFactory.getLogger("dev.broadcast.core.Broadcasters");

    @Override
    public BroadcastReceipt send(ResolvedBroadcast broadcast) {
        if (LOG.isInfoEnabled()) {
            LOG.info("Broadcast {} on {} ({} bytes){}", broadcast.name(), broadcast.channelNames(),
                    Json.utf8Length(broadcast.payloadJson()),
                    broadcast.exceptSocketId() == null ? "" : " except socket " + broadcast.exceptSocketId());
        }
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
    }
}
