package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.jakarta.PusherEndpoint;
import java.io.IOException;

/** The Tyrus transport ({@code --transport tyrus}) on Grizzly at the edges: see {@link EdgesTest}. */
class GrizzlyEdgesTest extends EdgesTest {

    @Override
    ServerTransport start(BroadcastHub hub, Admission admission, BodyBudget budget) throws IOException {
        GrizzlyContainer server = new GrizzlyContainer(hub, admission, budget);
        server.start("127.0.0.1", 0, PusherEndpoint.config(hub, ""));
        return server;
    }
}
