package dev.broadcast.core.internal;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.BroadcastDriver;
import dev.broadcast.core.ResolvedBroadcast;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each broadcast at INFO (name, channels, payload size, excluded socket) and sends nothing. */
public final class LogDriver implements BroadcastDriver {

    private static final Logger LOG = LoggerFactory.getLogger(LogDriver.class);

    @Override
    public BroadcastReceipt deliver(ResolvedBroadcast broadcast) {
        if (LOG.isInfoEnabled()) {
            LOG.info("Broadcast {} on {} ({} bytes){}", broadcast.name(), broadcast.channelNames(),
                    Json.utf8Length(broadcast.payloadJson()),
                    broadcast.exceptSocketId() == null ? "" : " except socket " + broadcast.exceptSocketId());
        }
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
    }
}
