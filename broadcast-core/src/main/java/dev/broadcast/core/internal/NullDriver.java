package dev.broadcast.core.internal;

import dev.broadcast.BroadcastReceipt;
import dev.broadcast.core.BroadcastDriver;
import dev.broadcast.core.ResolvedBroadcast;
import java.util.OptionalInt;

/** Sends nothing; the receipt has the channels and no connection count. */
public final class NullDriver implements BroadcastDriver {

    @Override
    public BroadcastReceipt deliver(ResolvedBroadcast broadcast) {
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
    }
}
