package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.PusherEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus/Grizzly transport ({@code --transport tyrus}) at the edges of HTTP and RFC 6455, with
 * raw sockets: each case gets its exact status or close code (issue 11: D1, D2, D3, D6 to D9,
 * D13, D16), and a healthy client is served meanwhile.
 */
class GrizzlyEdgesTest {

    private static final String HANDSHAKE = "GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final String SECRET = "s3cret";
    /** The app's inbound message limit (the default, 10 KiB). */
    private static final int LIMIT = 10 * 1024;

    private BroadcastHub hub;
    private GrizzlyContainer server;

    @BeforeEach
    void start() throws IOException {
        hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", SECRET).clientEvents(true).build()).build();
        server = new GrizzlyContainer(hub);
        server.start("127.0.0.1", 0, PusherEndpoint.config(hub, ""));
    }

    @AfterEach
    void stop() {
        hub.close();
        server.stop(false);
    }

    // ---- HTTP

    /** D9: no Sec-WebSocket-Key, no version 13, or HTTP/1.0 must get an HTTP answer, not an upgrade. */
    @Test
    void aBrokenHandshakeGetsAnHttpAnswer() throws IOException {
        assertEquals(400, status(HANDSHAKE.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")), "no key");
        assertEquals(400, status(HANDSHAKE.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")), "a key of 5 bytes");
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13\r\n", "")), "no version");
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")), "version 8");
        assertEquals(400, status(HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0")), "HTTP/1.0");
        assertEquals(101, status(HANDSHAKE), "the handshake itself still works");
    }

    /** D13: a Transfer-Encoding other than exactly chunked must not be read by length or as chunked. */
    @Test
    void anAmbiguousTransferEncodingIsRefused() throws IOException {
        String post = "POST /apps/app-id/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        assertEquals(501, status(post + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}"));
        assertEquals(501, status(post + "Transfer-Encoding: chunkedx\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(401, status(post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), "chunked alone is read");
        assertEquals(200, status("GET /up HTTP/1.1\r\nHost: x\r\n\r\n"), "others are served");
    }

    /** D13: the second request of a keep-alive connection gets its head checked too. */
    @Test
    void everyRequestOfAConnectionIsChecked() throws IOException {
        try (Socket socket = socket()) {
            send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
            assertEquals(200, readAnswer(socket.getInputStream()).status());
            send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
            assertEquals(200, readAnswer(socket.getInputStream()).status());
            send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}");
            Answer answer = readAnswer(socket.getInputStream());
            assertEquals(501, answer.status(), answer.head());
            assertJson(answer);
            assertEquals(-1, drain(socket.getInputStream()), "closed after the refusal");
        }
        try (Socket socket = socket()) {
            send(socket, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, readAnswer(socket.getInputStream()).status());
            send(socket, HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0"));
            assertEquals(400, readAnswer(socket.getInputStream()).status());
        }
    }

    /** D2: an unsigned API request is refused from its request line, before its body is sent. */
    @Test
    void anUnsignedApiRequestIsRefusedBeforeItsBody() throws IOException {
        try (Socket socket = socket()) {
            send(socket, "POST /apps/app-id/events?auth_key=app-key HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 700000\r\n\r\n{\"name\":");
            Answer answer = readAnswer(socket.getInputStream());
            assertEquals(401, answer.status(), answer.head());
            assertJson(answer);
            assertEquals(-1, drain(socket.getInputStream()), "closed after the refusal");
        }
    }

    /** D2, D3: errors are JSON like the rest of the API, never an HTML page or a stack trace. */
    @Test
    void errorsAreJsonNeverHtml() throws Exception {
        for (String request : new String[] {
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
                "TRACE /up HTTP/1.1\r\nHost: x\r\n\r\n",
                "DELETE /apps/app-id/events HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /apps/app-id/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                "GET /app/app-key HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"" + "x".repeat(1 << 20) + "\"}"),
        }) {
            try (Socket socket = socket()) {
                send(socket, request);
                Answer answer = readAnswer(socket.getInputStream());
                assertTrue(answer.status() >= 400, answer.head());
                assertJson(answer);
            }
        }
    }

    /**
     * D3: a failure inside the API got Grizzly's 500 page, HTML with the Java stack trace. It is
     * a JSON 500 now, and the server goes on.
     */
    @Test
    void aFailureInsideTheApiIsAJson500() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        InstantSource clock = new InstantSource() {
            @Override
            public Instant instant() {
                if (broken.get()) {
                    throw new IllegalStateException("the clock is broken");
                }
                return Instant.now();
            }
        };
        BroadcastHub failing = BroadcastHub.builder().app(App.builder("app-id", "app-key", SECRET).build()).clock(clock).build();
        GrizzlyContainer other = new GrizzlyContainer(failing);
        other.start("127.0.0.1", 0, PusherEndpoint.config(failing, ""));
        try {
            broken.set(true);
            try (Socket socket = new Socket("127.0.0.1", other.port())) {
                socket.setSoTimeout(5_000);
                send(socket, signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"{}\"}"));
                Answer answer = readAnswer(socket.getInputStream());
                assertEquals(500, answer.status(), answer.head());
                assertJson(answer);
                assertEquals("{\"error\":\"Internal error\"}", answer.body());
            }
            broken.set(false);
            try (Socket socket = new Socket("127.0.0.1", other.port())) {
                socket.setSoTimeout(5_000);
                send(socket, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, readAnswer(socket.getInputStream()).status());
            }
        } finally {
            broken.set(false);
            failing.close();
            other.stop(false);
        }
    }

    /** The JDK client offers h2c (Upgrade: h2c) with every request: its bodies are read to their length. */
    @Test
    void theJdkHttpClientIsServed() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String request = signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"{}\"}");
        String target = request.substring("POST ".length(), request.indexOf(" HTTP/1.1"));
        String body = request.substring(request.indexOf("\r\n\r\n") + 4);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
        }
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/up"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"health\":\"OK\"}", up.body());
    }

    /**
     * D3: request bodies trickled by more connections than Grizzly has worker threads held every
     * worker in a blocking read: {@code /up}, the API and handshakes stopped, and after 30 s the
     * trickler got a 500 with an HTML stack trace. Now the body is read without holding a thread.
     */
    @Test
    void tricklingBodiesDoNotStopTheServer() throws Exception {
        List<Socket> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = socket();
                send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
                tricklers.add(socket);
            }
            for (int second = 0; second < 4; second++) {
                Thread.sleep(1_000);
                for (Socket socket : tricklers) {
                    send(socket, " ");
                }
                long start = System.nanoTime();
                assertEquals(200, status("GET /up HTTP/1.1\r\nHost: x\r\n\r\n"), "/up meanwhile");
                assertEquals(200, status(signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"{}\"}")),
                        "the API meanwhile");
                try (Socket ws = upgraded()) {
                    sendFrame(ws, 0x81, "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
                    assertTrue(readFrame(new DataInputStream(ws.getInputStream()))[1].contains("pusher:pong"));
                }
                double ms = (System.nanoTime() - start) / 1e6;
                assertTrue(ms < 2_000, "served in " + ms + " ms");
            }
            for (Socket socket : tricklers) {
                socket.setSoTimeout((HttpGuard.REQUEST_TIMEOUT_SECONDS + 5) * 1000);
                byte[] got = socket.getInputStream().readAllBytes(); // the request timeout ends them
                String text = new String(got, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains("<") || text.contains("Exception"), text);
            }
        } finally {
            for (Socket socket : tricklers) {
                socket.close();
            }
        }
    }

    /**
     * D3: bodies are read as they arrive, and what unfinished requests hold together is bounded
     * for the whole server (64 MiB, here 64 KiB): past it a request gets 503 and is closed, the
     * others go on.
     */
    @Test
    void bufferedBodiesAreBoundedForTheWholeServer() throws Exception {
        BroadcastHub bounded = BroadcastHub.builder().app(App.builder("app-id", "app-key", SECRET).build()).build();
        GrizzlyContainer other = new GrizzlyContainer(bounded, 64 * 1024);
        other.start("127.0.0.1", 0, PusherEndpoint.config(bounded, ""));
        String head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\n";
        try (Socket first = new Socket("127.0.0.1", other.port()); Socket second = new Socket("127.0.0.1", other.port())) {
            first.setSoTimeout(5_000);
            second.setSoTimeout(5_000);
            send(first, head + "x".repeat(32 * 1024)); // 32 KiB held
            Thread.sleep(300);
            send(second, head + "x".repeat(32 * 1024 + 1)); // one byte past the bound
            Answer busy = readAnswer(second.getInputStream());
            assertEquals(503, busy.status(), busy.head());
            assertJson(busy);
            assertEquals(-1, drain(second.getInputStream()), "closed after the refusal");
            send(first, "x".repeat(40000 - 32 * 1024));
            assertEquals(200, readAnswer(first.getInputStream()).status(), "the first goes on");
            send(first, head + "x".repeat(40000));
            assertEquals(200, readAnswer(first.getInputStream()).status(), "and its bytes were released");
        } finally {
            bounded.close();
            other.stop(false);
        }
    }

    /**
     * D1: silent sockets, a header trickled a byte a second, a body that never ends and an idle
     * keep-alive were held forever. Each is closed after the request timeout, while new clients
     * are served and a WebSocket that stays silent as long is not touched.
     */
    @Test
    void connectionsThatNeverFinishARequestAreClosedAfterTheRequestTimeout() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try (Socket ws = upgraded()) {
            stalled.add(socket()); // silent
            Socket header = socket();
            send(header, "GET /up HTTP/1.1\r\nHo");
            stalled.add(header);
            Socket body = socket();
            send(body, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
            stalled.add(body);
            Socket idle = socket();
            send(idle, "GET /up HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, readAnswer(idle.getInputStream()).status());
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
            System.out.printf("tyrus: 4 stalled connections closed after %.1f s%n", seconds);
            assertTrue(seconds >= HttpGuard.REQUEST_TIMEOUT_SECONDS - 1.5, "not before the timeout: " + seconds);
            sendFrame(ws, 0x81, "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
            assertTrue(readFrame(new DataInputStream(ws.getInputStream()))[1].contains("pusher:pong"),
                    "a WebSocket silent for as long is still open");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** D1: a request that completes within the timeout is answered, on a keep-alive connection too. */
    @Test
    void aRequestWithinTheTimeoutIsServed() throws Exception {
        try (Socket socket = socket()) {
            for (int i = 0; i < 2; i++) {
                send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{");
                Thread.sleep(1_500);
                send(socket, "}");
                assertEquals(200, readAnswer(socket.getInputStream()).status());
            }
        }
    }

    // ---- RFC 6455

    /** D16: an unmasked client frame was accepted; the server must close with 1002 (§5.1). */
    @Test
    void anUnmaskedFrameGets1002() throws IOException {
        try (Socket socket = upgraded()) {
            byte[] ping = "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[2 + ping.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) ping.length; // mask bit clear
            System.arraycopy(ping, 0, frame, 2, ping.length);
            socket.getOutputStream().write(frame);
            assertEquals(1002, closeCode(socket));
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x81, "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
            assertTrue(readFrame(new DataInputStream(socket.getInputStream()))[1].contains("pusher:pong"), "masked is read");
        }
    }

    /** D16: binary frames were ignored silently; they are not part of the Pusher protocol (1003). */
    @Test
    void aBinaryFrameGets1003() throws IOException {
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x82, new byte[] {1, 2, 3});
            assertEquals(1003, closeCode(socket));
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x02, new byte[] {1, 2, 3}); // the first fragment is enough
            assertEquals(1003, closeCode(socket));
        }
    }

    /**
     * D16: a frame announcing 100 MB was buffered to about 8 MB and closed with 1011; it gets 1009
     * from its header, before any more of it is sent.
     */
    @Test
    void aHugeFrameGets1009FromItsHeader() throws IOException {
        try (Socket socket = upgraded()) {
            byte[] start = new byte[1024];
            Arrays.fill(start, (byte) 'x');
            sendFrame(socket, 0x81, start, 100_000_000L); // header and 1 KiB of a 100 MB frame
            assertEquals(1009, closeCode(socket));
        }
    }

    /** The message limit: 10 KiB are read, one byte more gets 1009, whole or in fragments. */
    @Test
    void aMessageAtTheLimitIsReadAndOnePastItGets1009() throws IOException {
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x81, ping(LIMIT));
            assertTrue(readFrame(new DataInputStream(socket.getInputStream()))[1].contains("pusher:pong"));
            byte[] fragmented = ping(LIMIT);
            sendFrame(socket, 0x01, Arrays.copyOfRange(fragmented, 0, 6_000));
            sendFrame(socket, 0x80, Arrays.copyOfRange(fragmented, 6_000, LIMIT));
            assertTrue(readFrame(new DataInputStream(socket.getInputStream()))[1].contains("pusher:pong"), "fragmented");
            sendFrame(socket, 0x81, ping(LIMIT + 1));
            assertEquals(1009, closeCode(socket));
        }
        try (Socket socket = upgraded()) {
            byte[] fragmented = ping(LIMIT + 1);
            sendFrame(socket, 0x01, Arrays.copyOfRange(fragmented, 0, 6_000));
            sendFrame(socket, 0x80, Arrays.copyOfRange(fragmented, 6_000, LIMIT + 1));
            assertEquals(1009, closeCode(socket));
        }
    }

    /** D7: a fragmented message far over the bound got no 1009 close frame. */
    @Test
    void aFragmentedMessageOverTheBoundGets1009() throws IOException {
        try (Socket socket = upgraded()) {
            byte[] part = new byte[8_000];
            Arrays.fill(part, (byte) 'x');
            sendFrame(socket, 0x01, part); // text, not final
            for (int i = 0; i < 3; i++) {
                sendFrame(socket, 0x00, part); // continuations: 32,000 bytes in all
            }
            sendFrame(socket, 0x80, part);
            assertEquals(1009, closeCode(socket));
        }
        try (Socket socket = upgraded()) {
            byte[] part = new byte[8_000];
            Arrays.fill(part, (byte) 'x');
            sendFrame(socket, 0x01, part);
            for (int i = 0; i < 10_000; i++) { // 80 MB in continuations: closed long before
                try {
                    sendFrame(socket, 0x00, part);
                } catch (SocketException closed) {
                    break;
                }
            }
            assertEquals(1009, closeCode(socket));
        }
    }

    /** D6: invalid UTF-8 in a text frame must fail the connection with 1007. */
    @Test
    void invalidUtf8FailsTheConnectionWith1007() throws IOException {
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, closeCode(socket));
        }
        try (Socket socket = upgraded()) { // a character split across fragments is fine
            byte[] ping = "{\"event\":\"pusher:ping\",\"data\":{\"é\":1}}".getBytes(StandardCharsets.UTF_8);
            int split = "{\"event\":\"pusher:ping\",\"data\":{\"".length() + 1; // inside the é
            sendFrame(socket, 0x01, Arrays.copyOfRange(ping, 0, split));
            sendFrame(socket, 0x80, Arrays.copyOfRange(ping, split, ping.length));
            assertTrue(readFrame(new DataInputStream(socket.getInputStream()))[1].contains("pusher:pong"));
        }
    }

    /** D8: close frames with codes no endpoint may send must get 1002, a bad reason 1007. */
    @Test
    void aCloseFrameWithAnInvalidCodeGets1002() throws IOException {
        for (int code : new int[] {1005, 1006, 1015, 999, 1004, 1016, 2999, 5000, 65535}) {
            try (Socket socket = upgraded()) {
                sendFrame(socket, 0x88, new byte[] {(byte) (code >> 8), (byte) code});
                assertEquals(1002, closeCode(socket), "close code " + code);
            }
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x03});
            assertEquals(1002, closeCode(socket), "a one-byte close body");
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, (byte) 0x28}); // 1000, bad UTF-8 reason
            assertEquals(1007, closeCode(socket), "invalid UTF-8 in the reason");
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x0F, (byte) 0xA0}); // 4000, an application code
            assertEquals(4000, closeCode(socket), "a valid code is echoed");
        }
        try (Socket socket = upgraded()) {
            sendFrame(socket, 0x88, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'});
            assertEquals(1000, closeCode(socket), "a normal close is echoed");
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
            return readAnswer(socket.getInputStream()).status();
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

    /** A signed POST to the HTTP API with {@code body}. */
    private static String signed(String path, String body) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
            String query = "auth_key=app-key&auth_timestamp=" + System.currentTimeMillis() / 1000
                    + "&auth_version=1.0&body_md5=" + md5;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = HexFormat.of().formatHex(
                    mac.doFinal(("POST\n" + path + "\n" + query).getBytes(StandardCharsets.UTF_8)));
            return "POST " + path + "?" + query + "&auth_signature=" + signature + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A pusher:ping padded with spaces to {@code size} bytes. */
    private static byte[] ping(int size) {
        String ping = "{\"event\":\"pusher:ping\",\"data\":{}}";
        return (ping + " ".repeat(size - ping.length())).getBytes(StandardCharsets.UTF_8);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private record Answer(int status, String head, String body) {
    }

    private static void assertJson(Answer answer) {
        assertFalse(answer.body().contains("<") || answer.body().contains("Exception") || answer.body().contains("\tat "),
                answer.head() + answer.body());
        if (!answer.body().isEmpty()) {
            assertTrue(answer.head().toLowerCase().contains("content-type: application/json"), answer.head());
            assertTrue(answer.body().startsWith("{\"error\":\""), answer.body());
        }
    }

    /** The head and the Content-Length body of the next response. */
    private static Answer readAnswer(InputStream in) throws IOException {
        String head = readHead(in);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(Integer.parseInt(head.split(" ")[1]), head, body);
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
        } catch (SocketException reset) {
            return -1;
        }
    }

    private static void sendFrame(Socket socket, int first, byte[] payload) throws IOException {
        sendFrame(socket, first, payload, payload.length);
    }

    /** A masked client frame announcing {@code length} bytes, of which {@code payload} is sent. */
    private static void sendFrame(Socket socket, int first, byte[] payload, long length) throws IOException {
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

    /** Skips data frames until the server's close frame; its code (1005 if it has none). */
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
