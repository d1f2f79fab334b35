package dev.broadcast.core.internal.engine;

import dev.broadcast.core.internal.delivery.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames queued while a channel's lock is held, so that every subscriber sees a channel's
 * presence changes in the order they happened; the writes they need start, and the connections
 * they overflowed close, only once the lock is released.
 */
final class DeferredWrites {

    private final List<ClientConnection> idle = new ArrayList<>(2);
    private final List<ClientConnection> full = new ArrayList<>(0);

    void offer(ClientConnection connection, Frame frame) {
        switch (connection.enqueue(frame)) {
            case IDLE -> idle.add(connection);
            case FULL -> full.add(connection);
            case QUEUED -> { }
        }
    }

    /** Starts the writes and closes the overflowed; call with no lock held. */
    void complete() {
        idle.forEach(ClientConnection::startWriting);
        full.forEach(ClientConnection::overflowed);
    }
}
