package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** D1: sockets held by strangers cannot lock legitimate clients out. */
class AdmissionTest {

    private static final String HANDSHAKE = "GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void whenFullTheOldestSocketThatIsNotAWebSocketMakesRoom() throws Exception {
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", "s3cret").build()).build();
        NettyServer server = new NettyServer(hub, NettyServer.loops(1), new Admission(20, 0));
        server.start("127.0.0.1", 0);
        List<Socket> sockets = new ArrayList<>();
        try {
            List<Socket> webSockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket ws = open(server);
                send(ws, HANDSHAKE);
                assertTrue(read(ws).startsWith("HTTP/1.1 101"));
                webSockets.add(ws);
                sockets.add(ws);
            }
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // twice what fits
                Socket socket = open(server);
                silent.add(socket);
                sockets.add(socket);
            }
            for (int i = 0; i < 5; i++) {
                try (Socket client = open(server)) {
                    send(client, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertTrue(read(client).startsWith("HTTP/1.1 200"), "a legitimate client is served while full");
                }
            }
            int shed = 0;
            for (Socket socket : silent.subList(0, 20)) {
                shed += closedByServer(socket) ? 1 : 0;
            }
            assertEquals(20, shed, "the 20 oldest silent sockets were closed to make room");
            for (Socket ws : webSockets) {
                assertTrue(!closedByServer(ws), "WebSockets are never shed");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
            hub.close();
            server.stop(false);
        }
    }

    @Test
    void oneAddressMayHoldAtMostItsShare() throws Exception {
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", "s3cret").build()).build();
        NettyServer server = new NettyServer(hub, NettyServer.loops(1), new Admission(0, 5));
        server.start("127.0.0.1", 0);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(open(server));
            }
            try (Socket sixth = open(server)) {
                assertTrue(closedByServer(sixth), "the 6th socket from one address is closed at once");
            }
            sockets.remove(0).close();
            Thread.sleep(200); // the server sees the close
            try (Socket again = open(server)) {
                send(again, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(read(again).startsWith("HTTP/1.1 200"), "a freed place is usable");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
            hub.close();
            server.stop(false);
        }
    }

    private static Socket open(NettyServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(3_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String read(Socket socket) throws IOException {
        byte[] buffer = new byte[1024];
        int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    /** Whether the server closed the socket (EOF or reset) rather than leaving it open. */
    private static boolean closedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(1_000);
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
