package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import java.io.IOException;

/** The Netty transport (the default) at the edges: see {@link EdgesTest}. */
class NettyEdgesTest extends EdgesTest {

    @Override
    ServerTransport start(BroadcastHub hub, Admission admission, BodyBudget budget) throws IOException {
        NettyServer server = new NettyServer(hub, NettyServer.loops(1), admission, budget);
        server.start("127.0.0.1", 0);
        return server;
    }
}
