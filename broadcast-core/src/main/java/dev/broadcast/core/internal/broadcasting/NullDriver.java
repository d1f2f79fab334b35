package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.util.OptionalInt;

/** Sends nothing; the receipt has the channels and no connection count. */
public final class NullDriver implements BroadcastDriver {

    @Override
    public BroadcastReceipt send(ResolvedBroadcast broadcast) {
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
    }
}
