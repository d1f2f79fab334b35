package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty transport at the edges of HTTP and RFC 6455, with raw sockets: each case gets its
 * exact status or close code (issue 11, D1, D2, D6 to D9, D13, D14), and a healthy client is
 * served meanwhile.
 */
class EdgesTest {

    private static final String HANDSHAKE = "GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private BroadcastHub hub;
    private NettyServer server;

    @BeforeEach
    void start() throws IOException {
        hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", "s3cret").clientEvents(true).build()).build();
        server = new NettyServer(hub, 1);
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        hub.close();
        server.stop(false);
    }

    /** D9: no Sec-WebSocket-Key, no version, or HTTP/1.0 got no HTTP answer or an upgrade. */
    @Test
    void aBrokenHandshakeGetsAnHttpAnswer() throws IOException {
        assertEquals(400, status(HANDSHAKE.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")));
        assertEquals(400, status(HANDSHAKE.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")));
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13\r\n", "")));
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")));
        assertEquals(400, status(HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0")));
        assertEquals(101, status(HANDSHAKE), "the handshake itself still works");
    }

    /** D13: a Transfer-Encoding other than exactly chunked was read by length or as chunked. */
    @Test
    void anAmbiguousTransferEncodingIsRefused() throws IOException {
        String post = "POST /apps/app-id/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        assertEquals(501, status(post + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(401, status(post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), "chunked alone is read");
    }

    /** D14: any path ending in /up answered 200. */
    @Test
    void onlyUpIsTheHealthCheck() throws IOException {
        assertEquals(200, status("GET /up HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(404, status("GET /x/up HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    /** D2: an unsigned API request is refused from its request line, before its body is sent. */
    @Test
    void anUnsignedApiRequestIsRefusedBeforeItsBody() throws IOException {
        try (Socket socket = socket()) {
            send(socket, "POST /apps/app-id/events?auth_key=app-key HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 700000\r\n\r\n{\"name\":");
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 401"), head);
            assertEquals(-1, drain(socket.getInputStream()), "closed after the refusal");
        }
    }

    /** D6: invalid UTF-8 in a text frame was accepted and relayed as U+FFFD. */
    @Test
    void invalidUtf8FailsTheConnectionWith1007() throws IOException {
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, closeCode(socket));
        }
    }

    /** D7: a fragmented message over the bound got a bare TCP close. */
    @Test
    void aFragmentedMessageOverTheBoundGets1009() throws IOException {
        try (Socket socket = upgraded()) {
            byte[] part = new byte[8_000];
            java.util.Arrays.fill(part, (byte) 'x');
            sendFrame(socket, 0x01, part); // text, not final
            for (int i = 0; i < 3; i++) {
                sendFrame(socket, 0x00, part); // continuations: 32,000 bytes in all
            }
            sendFrame(socket, 0x80, part);
            assertEquals(1009, closeCode(socket));
        }
    }

    /** D8: close frames with codes no endpoint may send got no 1002; 5000 and 65535 were echoed. */
    @Test
    void aCloseFrameWithAnInvalidCodeGets1002() throws IOException {
        for (int code : new int[] {1005, 1006, 1015, 999, 1004, 1016, 2999, 5000, 65535}) {
            try (Socket socket = upgraded()) {
                sendFrame(socket, 0x88, new byte[] {(byte) (code >> 8), (byte) code});
                assertEquals(1002, closeCode(socket), "close code " + code);
            }
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, (byte) 0x28}); // 1000, bad UTF-8 reason
            assertEquals(1007, closeCode(socket), "invalid UTF-8 in the reason");
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x0F, (byte) 0xA0}); // 4000, an application code
            assertEquals(4000, closeCode(socket), "a valid code is echoed");
        }
    }

    /**
     * D1: silent sockets, a header trickled a byte a second, and a body that never ends were held
     * forever. Each is closed after the request timeout, while a new client is served.
     */
    @Test
    void connectionsThatNeverFinishARequestAreClosedAfterTheRequestTimeout() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            stalled.add(socket()); // silent
            Socket header = socket();
            send(header, "GET /up HTTP/1.1\r\nHo");
            stalled.add(header);
            Socket body = socket();
            send(body, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
            stalled.add(body);
            Socket idle = socket();
            send(idle, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readHead(idle.getInputStream()).startsWith("HTTP/1.1 200"));
            stalled.add(idle); // keep-alive, then nothing
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1_000);
                send(header, "s"); // a byte a second
                assertEquals(200, status("GET /up HTTP/1.1\r\nHost: x\r\n\r\n"), "others are served meanwhile");
            }
            for (Socket socket : stalled) {
                socket.setSoTimeout((HttpGuard.REQUEST_TIMEOUT_SECONDS + 5) * 1000);
                drain(socket.getInputStream());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("4 stalled connections closed after %.1f s%n", seconds);
            assertTrue(seconds >= HttpGuard.REQUEST_TIMEOUT_SECONDS - 1.5, "not before the timeout: " + seconds);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    // ---- raw HTTP and WebSocket

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private int status(String request) throws IOException {
        try (Socket socket = socket()) {
            send(socket, request);
            String head = readHead(socket.getInputStream());
            return Integer.parseInt(head.split(" ")[1]);
        }
    }

    private Socket upgraded() throws IOException {
        Socket socket = socket();
        send(socket, HANDSHAKE);
        String head = readHead(socket.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        String established = readFrame(new DataInputStream(socket.getInputStream()))[1];
        assertTrue(established.contains("pusher:connection_established"), established);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until the server closes; -1 then (a timeout fails the test). */
    private static int drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
            return -1;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection");
        }
    }

    /** A masked client frame: {@code first} is FIN + opcode. */
    private static void sendFrame(Socket socket, int first, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        frame.put((byte) first);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        OutputStream out = socket.getOutputStream();
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    /** {opcode, payload as text} of the next server frame. */
    private static String[] readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new String[] {Integer.toString(first & 0x0F), new String(payload, StandardCharsets.ISO_8859_1)};
    }

    /** Skips data frames until the server's close frame; its code. */
    private static int closeCode(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            String[] frame = readFrame(in);
            if (frame[0].equals("8")) {
                byte[] payload = frame[1].getBytes(StandardCharsets.ISO_8859_1);
                return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            }
        }
    }
}
