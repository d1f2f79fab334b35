package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The Netty transport (the default) at the edges: see {@link EdgesTest}. */
class NettyEdgesTest extends EdgesTest {

    @Override
    ServerTransport start(BroadcastHub hub, Admission admission, BodyBudget budget) throws IOException {
        NettyServer server = new NettyServer(hub, NettyServer.loops(1), admission, budget);
        server.start("127.0.0.1", 0);
        return server;
    }

    /**
     * pusher-js's HTTP transports (issue 12) refuse bad requests over the wire with their status
     * and a JSON error: a send to an unknown session, a body that is not a JSON array of strings
     * or is over the limit, a second stream on a session, a method other than POST.
     */
    @Test
    void httpTransportRequestsThatAreWrongGetTheirStatus() throws IOException {
        String session = "/pusher/app/app-key/1/abcdefgh/";
        assertEquals(404, status(post(session + "xhr_send", "[]")), "a send before the session is open");
        try (RawSocket stream = socket()) {
            stream.send(post(session + "xhr_streaming?protocol=7", ""));
            String head = stream.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase().contains("transfer-encoding: chunked"), head);
            assertEquals(400, status(post(session + "xhr_send", "{\"event\":\"pusher:ping\"}")), "not an array");
            assertEquals(400, status(post(session + "xhr_send", "[1]")), "not strings");
            assertEquals(413, status(post(session + "xhr_send", "[\"" + "x".repeat(30_000) + "\"]")), "over the limit");
            assertEquals(409, status(post(session + "xhr_streaming?protocol=7", "")), "a second stream");
            assertEquals(405, status("PUT " + session + "xhr_send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
            assertEquals(204, status(post(session + "xhr_send", "[]")), "the session still works");
        }
    }

    private static String post(String target, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
