package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An HTTP and WebSocket client on a plain socket, so that a test controls every byte it sends and
 * exactly when it reads: the edges of HTTP and RFC 6455 that no real client would reach.
 */
final class RawSocket implements AutoCloseable {

    /** A valid handshake for the app key {@code app-key}, as a test edits it. */
    static final String HANDSHAKE = "GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    static final String UP = "GET /up HTTP/1.1\r\nHost: x\r\n\r\n";
    static final String PING = "{\"event\":\"pusher:ping\",\"data\":{}}";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connected to {@code port} on loopback; reads time out after 5 s. */
    static RawSocket open(int port) throws IOException {
        return open(port, 0);
    }

    /** With a receive buffer of {@code receiveBuffer} bytes (0 for the default): a client slow to read fills it soon. */
    static RawSocket open(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        return new RawSocket(socket);
    }

    /** Upgraded, with its {@code pusher:connection_established} read. */
    static RawSocket webSocket(int port) throws IOException {
        return webSocket(port, 0);
    }

    static RawSocket webSocket(int port, int receiveBuffer) throws IOException {
        RawSocket socket = open(port, receiveBuffer);
        socket.send(HANDSHAKE);
        String head = socket.readHead();
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        String established = socket.readText();
        assertTrue(established.contains("pusher:connection_established"), established);
        return socket;
    }

    /** The status of the answer to {@code request}, sent on a socket of its own. */
    static int status(int port, String request) throws IOException {
        try (RawSocket socket = open(port)) {
            socket.send(request);
            return socket.readAnswer().status();
        }
    }

    /** Subscribes to the public {@code channel} and waits for the confirmation. */
    void subscribe(String channel) throws IOException {
        sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
        String confirmation = readText();
        assertTrue(confirmation.contains("subscription_succeeded"), confirmation);
    }

    void timeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    // ---- HTTP

    /** {@code text} as UTF-8 bytes. */
    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The head of the next response, up to and with its empty line. */
    String readHead() throws IOException {
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

    /** The head and the Content-Length body of the next response. */
    Answer readAnswer() throws IOException {
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(Integer.parseInt(head.split(" ")[1]), head, body);
    }

    /** A response: its status, its head and its body. */
    record Answer(int status, String head, String body) {
    }

    /** Reads until the server closes the connection; a read timeout fails the test. */
    void awaitClose() throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection");
        } catch (SocketException reset) {
            // closed with a reset
        }
    }

    /** What the server sends up to and with the first {@code marker}, read byte by byte. */
    String readUntil(String marker) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + read.toString(StandardCharsets.ISO_8859_1));
            }
            read.write(b);
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }

    /** All the server sends until it closes the connection. */
    String readRest() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Whether the server closes the connection (EOF or reset) within a second, what it sends skipped. */
    boolean closedByServer() throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(1_000);
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    // ---- WebSocket

    /** A masked text frame with {@code text}. */
    void sendText(String text) throws IOException {
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A masked client frame: {@code first} is FIN and the opcode. */
    void sendFrame(int first, byte[] payload) throws IOException {
        sendFrame(first, payload, payload.length);
    }

    /** A masked client frame announcing {@code length} bytes, of which {@code payload} is sent. */
    void sendFrame(int first, byte[] payload, long length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        frame.put((byte) first);
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    /** The next server frame. */
    Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(first, payload);
    }

    /** The text of the next frame, which must be a final text frame. */
    String readText() throws IOException {
        Frame frame = readFrame();
        assertTrue(frame.first() == 0x81, () -> "not a final text frame: " + frame);
        return frame.text();
    }

    /** Skips data frames until the server's close frame; its code (1005 if it has none). */
    int closeCode() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == 8) {
                return frame.closeCode();
            }
        }
    }

    /** A server frame: its first byte (FIN and opcode) and its payload. */
    record Frame(int first, byte[] payload) {
        int opcode() {
            return first & 0x0F;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The code of a close frame; 1005 if it has none. */
        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        @Override
        public String toString() {
            return "frame 0x" + Integer.toHexString(first) + " " + text();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
