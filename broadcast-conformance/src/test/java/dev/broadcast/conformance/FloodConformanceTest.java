package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * D1 and D2 against the jar, on both transports: sockets that never finish a request, by the thousand, are closed within the
 * request timeout (10 s) while legitimate clients connect and are served; and with the open-file
 * limit at 512 the server keeps accepting them (it sheds the oldest sockets that are not
 * WebSockets). Before, 2,000 silent sockets were held 150 s and 600 stopped the server accepting.
 */
class FloodConformanceTest {

    private static final String UP = "GET /up HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String HANDSHAKE = "GET /app/" + Target.APP_KEY + "?protocol=7 HTTP/1.1\r\nHost: x\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    @ParameterizedTest
    @ValueSource(strings = {"netty", "tyrus"})
    void silentAndSlowlorisSocketsAreClosedWithinTheRequestTimeoutWhileClientsAreServed(String transport) throws Exception {
        try (ServerProcess server = ServerProcess.start("flood-" + transport, List.of("--transport", transport))) {
            List<Socket> attack = new ArrayList<>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < 2_000; i++) {
                    attack.add(open(server)); // silent
                }
                List<Socket> slowloris = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    Socket socket = open(server);
                    send(socket, "GET /up HTTP/1.1\r\nX-Slow: ");
                    slowloris.add(socket);
                    attack.add(socket);
                }
                int served = 0;
                int open = attack.size();
                double closedAfter = -1;
                while (System.nanoTime() - start < 20_000_000_000L) {
                    for (Socket socket : slowloris) {
                        try {
                            send(socket, "a"); // a header byte a second
                        } catch (IOException closed) {
                            // closed by the server: as it should be
                        }
                    }
                    assertTrue(request(server, UP).startsWith("HTTP/1.1 200"), "/up is served during the flood");
                    assertTrue(request(server, HANDSHAKE).startsWith("HTTP/1.1 101"), "a WebSocket is accepted during the flood");
                    served += 2;
                    open = stillOpen(attack);
                    if (open == 0) {
                        closedAfter = (System.nanoTime() - start) / 1e9;
                        break;
                    }
                    Thread.sleep(1_000);
                }
                System.out.printf("%s: 2000 silent + 200 slowloris sockets: all closed by the server after %.1f s;"
                        + " %d legitimate requests served meanwhile%n", transport, closedAfter, served);
                assertEquals(0, open, "sockets the server still held after 20 s");
                assertWarnedAtMostEvery10Seconds(server, "no complete request within 10 s");
                assertTrue(closedAfter <= 10 + 3, "within the 10 s request timeout (and the time to open them): " + closedAfter);
            } finally {
                for (Socket socket : attack) {
                    socket.close();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty", "tyrus"})
    void withTheOpenFileLimitAt512TheServerKeepsAcceptingLegitimateClients(String transport) throws Exception {
        try (ServerProcess server = ServerProcess.start("flood-512-" + transport, List.of("prlimit", "--nofile=512:512"),
                List.of("--transport", transport), Ports.free())) {
            List<Socket> attack = new ArrayList<>();
            try {
                int served = 0;
                for (int i = 0; i < 600; i++) {
                    attack.add(open(server));
                    if (i % 50 == 49) {
                        String up = request(server, UP);
                        assertTrue(up.startsWith("HTTP/1.1 200"), "/up after " + (i + 1) + " silent sockets: " + up);
                        String handshake = request(server, HANDSHAKE);
                        assertTrue(handshake.startsWith("HTTP/1.1 101"), "a WebSocket after " + (i + 1) + ": " + handshake);
                        served += 2;
                    }
                }
                int held = stillOpen(attack);
                System.out.printf("%s: open-file limit 512, 600 silent sockets: %d legitimate requests served, the server"
                        + " held %d of the silent ones and closed the oldest %d%n", transport, served, held, 600 - held);
                assertTrue(held < 512, "held " + held);
                String log = Files.readString(server.log(), StandardCharsets.UTF_8);
                assertFalse(log.contains("Too many open files"), log);
                assertWarnedAtMostEvery10Seconds(server, "Closed the oldest connection that had not upgraded");
            } finally {
                for (Socket socket : attack) {
                    socket.close();
                }
            }
        }
    }

    /**
     * D2: 500 unauthenticated requests announcing the largest body and sending 100 KB of it. Before,
     * the bodies were buffered: RSS 95 MB to 484 MB. Now each is refused from its request line.
     * Netty reads what was sent anyway into pooled buffers: RSS within 50 MB. Grizzly reads it into
     * new heap buffers, 50 MB of garbage in all that touches the young generation's pages: RSS
     * within 100 MB, and nothing of it is retained (the heap after a full GC is as before, 5 MB).
     */
    @ParameterizedTest
    @ValueSource(strings = {"netty", "tyrus"})
    void unauthenticatedPartialBodiesDoNotGrowTheServer(String transport) throws Exception {
        try (ServerProcess server = ServerProcess.start("flood-bodies-" + transport, List.of("--transport", transport))) { // -Xmx256m
            request(server, UP);
            long baseline = rssKb(server);
            byte[] part = new byte[100_000];
            java.util.Arrays.fill(part, (byte) 'x');
            List<Socket> attack = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < 500; i++) {
                    Socket socket = open(server);
                    attack.add(socket);
                    send(socket, "POST /apps/" + Target.APP_ID + "/events?auth_key=" + Target.APP_KEY
                            + "&auth_timestamp=1&auth_version=1.0&auth_signature=00 HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 741896\r\n\r\n");
                    try {
                        socket.getOutputStream().write(part);
                    } catch (IOException closed) {
                        // refused and closed before the body: as it should be
                    }
                    byte[] answer = new byte[12];
                    int n = socket.getInputStream().read(answer);
                    if (n > 0 && new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 401")) {
                        refused++;
                    }
                }
                assertTrue(request(server, UP).startsWith("HTTP/1.1 200"), "still served");
                long after = rssKb(server);
                System.out.printf("%s: 500 unauthenticated partial bodies: %d refused with 401 before the body;"
                        + " server RSS %d MB before, %d MB after%n", transport, refused, baseline / 1024, after / 1024);
                assertEquals(500, refused);
                assertWarnedAtMostEvery10Seconds(server, "Refused an HTTP API request from");
                int bound = transport.equals("netty") ? 50 : 100;
                assertTrue(after - baseline < bound * 1024L, "RSS grew by " + (after - baseline) / 1024 + " MB");
            } finally {
                for (Socket socket : attack) {
                    socket.close();
                }
            }
        }
    }

    /**
     * The operator sees the attack at the default level (before issue 11 nothing was logged), in
     * a few lines however many connections: a WARN at most every 10 s with a count of the rest.
     */
    private static void assertWarnedAtMostEvery10Seconds(ServerProcess server, String warning) throws IOException {
        List<String> lines = Files.readAllLines(server.log(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(" WARN ") && line.contains(warning)).toList();
        assertTrue(!lines.isEmpty() && lines.size() <= 3, () -> "WARN lines with '" + warning + "': " + lines);
    }

    private static long rssKb(ServerProcess server) throws IOException {
        for (String line : Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(server.process().pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static Socket open(ServerProcess server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Sends {@code text} on a new connection; the first bytes of the answer. */
    private static String request(ServerProcess server, String text) throws IOException {
        try (Socket socket = open(server)) {
            send(socket, text);
            byte[] buffer = new byte[256];
            int n = socket.getInputStream().read(buffer);
            return n < 0 ? "(closed)" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** How many of {@code sockets} the server has not closed (a read neither ends nor fails). */
    private static int stillOpen(List<Socket> sockets) throws IOException {
        int open = 0;
        for (Socket socket : sockets) {
            socket.setSoTimeout(1);
            try {
                while (socket.getInputStream().read() >= 0) {
                    // an answer to a request that completed: keep reading to the end
                }
            } catch (SocketTimeoutException e) {
                open++;
            } catch (IOException reset) {
                // closed
            }
        }
        return open;
    }
}
