package dev.broadcast.server;

import static dev.broadcast.server.RawSocket.HANDSHAKE;
import static dev.broadcast.server.RawSocket.PING;
import static dev.broadcast.server.RawSocket.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.server.RawSocket.Answer;
import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A transport of the standalone server at the edges of HTTP and RFC 6455, with raw sockets: each
 * case of issue 11 (D1, D2, D6 to D10, D13, D14, D16) gets its exact status or close code, and a
 * healthy client is served meanwhile. Run once per transport by its subclasses, which add what only
 * their transport has.
 */
abstract class EdgesTest {

    static final String SECRET = "s3cret";
    /** The app's inbound message limit (the default, 10 KiB). */
    static final int LIMIT = 10 * 1024;

    BroadcastHub hub;
    ServerTransport server;
    private final List<AutoCloseable> started = new ArrayList<>();

    /** The transport under test, started on {@code 127.0.0.1:0} for {@code hub}. */
    abstract ServerTransport start(BroadcastHub hub, Admission admission, BodyBudget budget) throws IOException;

    @BeforeEach
    void start() throws IOException {
        hub = hub();
        server = started(hub, new Admission(0, 0), new BodyBudget(BodyBudget.DEFAULT_BYTES));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    static BroadcastHub hub() {
        return BroadcastHub.builder().app(App.builder("app-id", "app-key", SECRET).clientEvents(true).build()).build();
    }

    /** Another server, stopped after the test with its hub. */
    ServerTransport started(BroadcastHub hub, Admission admission) throws IOException {
        return started(hub, admission, new BodyBudget(BodyBudget.DEFAULT_BYTES));
    }

    ServerTransport started(BroadcastHub hub, Admission admission, BodyBudget budget) throws IOException {
        ServerTransport transport = start(hub, admission, budget);
        started.add(hub::close);
        started.add(() -> transport.stop(false));
        return transport;
    }

    // ---- HTTP

    /** D9: no Sec-WebSocket-Key, no version 13, or HTTP/1.0 got no HTTP answer, or an upgrade. */
    @Test
    void aBrokenHandshakeGetsAnHttpAnswer() throws IOException {
        assertEquals(400, status(HANDSHAKE.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")), "no key");
        assertEquals(400, status(HANDSHAKE.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")), "a key of 5 bytes");
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13\r\n", "")), "no version");
        assertEquals(426, status(HANDSHAKE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")), "version 8");
        assertEquals(400, status(HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0")), "HTTP/1.0");
        assertEquals(101, status(HANDSHAKE), "the handshake itself still works");
    }

    /** D13: a Transfer-Encoding other than exactly chunked was read by length or as chunked. */
    @Test
    void anAmbiguousTransferEncodingIsRefused() throws IOException {
        String post = "POST /apps/app-id/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        assertEquals(501, status(post + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}"));
        assertEquals(501, status(post + "Transfer-Encoding: chunkedx\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(400, status(post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        assertEquals(401, status(post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), "chunked alone is read");
        assertEquals(200, status(UP), "others are served");
    }

    /** D13: the second request of a keep-alive connection gets its head checked too. */
    @Test
    void everyRequestOfAConnectionIsChecked() throws IOException {
        try (RawSocket socket = socket()) {
            socket.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
            assertEquals(200, socket.readAnswer().status());
            socket.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
            assertEquals(200, socket.readAnswer().status());
            socket.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}");
            Answer answer = socket.readAnswer();
            assertEquals(501, answer.status(), answer.head());
            assertJson(answer);
            socket.awaitClose();
        }
        try (RawSocket socket = socket()) {
            socket.send(UP);
            assertEquals(200, socket.readAnswer().status());
            socket.send(HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0"));
            assertEquals(400, socket.readAnswer().status());
        }
    }

    /** D14: any path ending in /up answered 200. */
    @Test
    void onlyUpIsTheHealthCheck() throws IOException {
        assertEquals(200, status(UP));
        assertEquals(404, status("GET /x/up HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(404, status("GET /apps/up HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    /** D2: an unsigned API request is refused from its request line, before its body is sent. */
    @Test
    void anUnsignedApiRequestIsRefusedBeforeItsBody() throws IOException {
        try (RawSocket socket = socket()) {
            socket.send("POST /apps/app-id/events?auth_key=app-key HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 700000\r\n\r\n{\"name\":");
            Answer answer = socket.readAnswer();
            assertEquals(401, answer.status(), answer.head());
            assertJson(answer);
            socket.awaitClose();
        }
    }

    /** D2, D3: errors are JSON like the rest of the API, never an HTML page or a stack trace. */
    @Test
    void errorsAreJsonNeverHtml() throws Exception {
        for (String request : new String[] {
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
                "TRACE /apps/app-id/events HTTP/1.1\r\nHost: x\r\n\r\n",
                "DELETE /apps/app-id/events HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /apps/app-id/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                "GET /app/app-key HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"" + "x".repeat(1 << 20) + "\"}"),
        }) {
            try (RawSocket socket = socket()) {
                socket.send(request);
                Answer answer = socket.readAnswer();
                assertTrue(answer.status() >= 400, answer.head());
                assertJson(answer);
            }
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
     * D1: silent sockets, a header trickled a byte a second, a body that never ends and an idle
     * keep-alive were held forever. Each is closed after the request timeout, while new clients
     * are served and a WebSocket that stays silent as long is not touched.
     */
    @Test
    void connectionsThatNeverFinishARequestAreClosedAfterTheRequestTimeout() throws Exception {
        List<RawSocket> stalled = new ArrayList<>();
        try (RawSocket ws = webSocket()) {
            stalled.add(socket()); // silent
            RawSocket header = socket();
            header.send("GET /up HTTP/1.1\r\nHo");
            stalled.add(header);
            RawSocket body = socket();
            body.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
            stalled.add(body);
            RawSocket idle = socket();
            idle.send(UP);
            assertEquals(200, idle.readAnswer().status());
            stalled.add(idle); // keep-alive, then nothing
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1_000);
                header.send("s"); // a byte a second
                assertEquals(200, status(UP), "others are served meanwhile");
            }
            for (RawSocket socket : stalled) {
                socket.timeout((HttpGuard.REQUEST_TIMEOUT_SECONDS + 5) * 1000);
                socket.awaitClose();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: 4 stalled connections closed after %.1f s%n", getClass().getSimpleName(), seconds);
            assertTrue(seconds >= HttpGuard.REQUEST_TIMEOUT_SECONDS - 1.5, "not before the timeout: " + seconds);
            ws.sendText(PING);
            assertTrue(ws.readText().contains("pusher:pong"), "a WebSocket silent for as long is still open");
        } finally {
            for (RawSocket socket : stalled) {
                socket.close();
            }
        }
    }

    /** D1: a request that completes within the timeout is answered, on a keep-alive connection too. */
    @Test
    void aRequestWithinTheTimeoutIsServed() throws Exception {
        try (RawSocket socket = socket()) {
            for (int i = 0; i < 2; i++) {
                socket.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{");
                Thread.sleep(1_500);
                socket.send("}");
                assertEquals(200, socket.readAnswer().status());
            }
        }
    }

    /**
     * D3: a failure inside the API got Grizzly's 500 page, HTML with the Java stack trace. It is
     * a JSON 500, and the server goes on.
     */
    @Test
    void aFailureInsideTheApiIsAJson500() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        InstantSource clock = () -> {
            if (broken.get()) {
                throw new IllegalStateException("the clock is broken");
            }
            return Instant.now();
        };
        BroadcastHub failing = BroadcastHub.builder().app(App.builder("app-id", "app-key", SECRET).build()).clock(clock).build();
        ServerTransport other = started(failing, new Admission(0, 0));
        broken.set(true);
        try (RawSocket socket = RawSocket.open(other.port())) {
            socket.send(signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"{}\"}"));
            Answer answer = socket.readAnswer();
            assertEquals(500, answer.status(), answer.head());
            assertJson(answer);
            assertEquals("{\"error\":\"Internal error\"}", answer.body());
        } finally {
            broken.set(false);
        }
        assertEquals(200, RawSocket.status(other.port(), UP));
    }

    /**
     * D3: request bodies trickled by more connections than Grizzly has worker threads held every
     * worker in a blocking read: {@code /up}, the API and handshakes stopped, and after 30 s the
     * trickler got a 500 with an HTML stack trace. Bodies are read without holding a thread.
     */
    @Test
    void tricklingBodiesDoNotStopTheServer() throws Exception {
        List<RawSocket> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                RawSocket socket = socket();
                socket.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
                tricklers.add(socket);
            }
            for (int second = 0; second < 4; second++) {
                Thread.sleep(1_000);
                for (RawSocket socket : tricklers) {
                    socket.send(" ");
                }
                long start = System.nanoTime();
                assertEquals(200, status(UP), "/up meanwhile");
                assertEquals(200, status(signed("/apps/app-id/events", "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"{}\"}")),
                        "the API meanwhile");
                try (RawSocket ws = webSocket()) {
                    ws.sendText(PING);
                    assertTrue(ws.readText().contains("pusher:pong"));
                }
                double ms = (System.nanoTime() - start) / 1e6;
                assertTrue(ms < 2_000, "served in " + ms + " ms");
            }
            for (RawSocket socket : tricklers) {
                socket.timeout((HttpGuard.REQUEST_TIMEOUT_SECONDS + 5) * 1000);
                String got = socket.readRest(); // the request timeout ends them
                assertFalse(got.contains("<") || got.contains("Exception"), got);
            }
        } finally {
            for (RawSocket socket : tricklers) {
                socket.close();
            }
        }
    }

    /**
     * D2, D3: bodies are read as they arrive, and what unfinished requests hold together is
     * bounded for the whole server (64 MiB, here 64 KiB): past it a request gets 503 and is
     * closed, the others go on.
     */
    @Test
    void bufferedBodiesAreBoundedForTheWholeServer() throws Exception {
        ServerTransport bounded = started(hub(), new Admission(0, 0), new BodyBudget(64 * 1024));
        String head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\n";
        try (RawSocket first = RawSocket.open(bounded.port()); RawSocket second = RawSocket.open(bounded.port())) {
            first.send(head + "x".repeat(32 * 1024)); // 32 KiB held
            Thread.sleep(300);
            second.send(head + "x".repeat(32 * 1024 + 1)); // one byte past the bound
            Answer busy = second.readAnswer();
            assertEquals(503, busy.status(), busy.head());
            assertJson(busy);
            second.awaitClose();
            first.send("x".repeat(40000 - 32 * 1024));
            assertEquals(200, first.readAnswer().status(), "the first goes on");
            first.send(head + "x".repeat(40000));
            assertEquals(200, first.readAnswer().status(), "and its bytes were released");
        }
    }

    // ---- admission

    /** D1: when the server is full, the oldest socket that is not a WebSocket makes room. */
    @Test
    void whenFullTheOldestSocketThatIsNotAWebSocketMakesRoom() throws Exception {
        Admission admission = new Admission(20, 0);
        ServerTransport full = started(hub(), admission);
        List<RawSocket> sockets = new ArrayList<>();
        try {
            List<RawSocket> webSockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                webSockets.add(RawSocket.webSocket(full.port()));
            }
            sockets.addAll(webSockets);
            List<RawSocket> silent = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // twice what fits: 17 beside the 3 WebSockets
                silent.add(RawSocket.open(full.port()));
                sockets.add(silent.get(i));
                if (i < 17) {
                    awaitOpen(admission, 4 + i); // one at a time: a transport may admit sockets in any order
                } else {
                    assertTrue(silent.get(i - 17).closedByServer(), "the oldest silent socket made room for socket " + i);
                }
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(200, RawSocket.status(full.port(), UP), "a legitimate client is served while full");
            }
            assertFalse(silent.get(39).closedByServer(), "the newest silent socket is still open");
            for (RawSocket ws : webSockets) {
                ws.sendText(PING);
                assertTrue(ws.readText().contains("pusher:pong"), "WebSockets are never shed");
            }
        } finally {
            for (RawSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** D1: one IP address may hold at most its share of sockets; a freed place is usable. */
    @Test
    void oneAddressMayHoldAtMostItsShare() throws Exception {
        Admission admission = new Admission(0, 5);
        ServerTransport capped = started(hub(), admission);
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(RawSocket.open(capped.port()));
            }
            awaitOpen(admission, 5);
            try (RawSocket sixth = RawSocket.open(capped.port())) {
                assertTrue(sixth.closedByServer(), "the 6th socket from one address is closed at once");
            }
            sockets.remove(0).close();
            awaitOpen(admission, 4);
            assertEquals(200, RawSocket.status(capped.port(), UP), "a freed place is usable");
        } finally {
            for (RawSocket socket : sockets) {
                socket.close();
            }
        }
    }

    // ---- slow consumers

    /**
     * A client that stops reading is closed with 4100 once its queue passes the bound, and its
     * socket is released although the close frame can never reach it; the others keep receiving.
     */
    @Test
    void aClientThatStopsReadingIsClosedWith4100AndItsSocketReleased() throws Exception {
        Admission admission = new Admission(0, 0);
        BroadcastHub hub = hub();
        ServerTransport server = started(hub, admission);
        try (RawSocket slow = RawSocket.webSocket(server.port(), 4096);
             RawSocket healthy = RawSocket.webSocket(server.port())) {
            slow.subscribe("news");
            healthy.subscribe("news");
            int sent = fillUntilSlowConsumerClosed(hub, healthy);
            assertTrue(sent * 8_000L > hub.appByKey("app-key").orElseThrow().limits().maxOutboundBytes(), "sent " + sent);
            assertEquals(1, hub.stats().connections(), "the healthy client stays");

            awaitOpen(admission, 1);

            hub.trigger("app-id", List.of("news"), "after", "{}", null);
            String frame;
            do {
                frame = healthy.readText();
            } while (frame.contains("\"tick\""));
            assertTrue(frame.startsWith("{\"event\":\"after\""), frame);
        }
    }

    /**
     * D10: the 4100 close frame waited behind what the client had not read, and the socket was
     * cut after 2 s: a client that read again after a few seconds got EOF. It gets its close frame.
     */
    @Test
    void aSlowConsumerThatReadsAgainGetsItsCloseFrame() throws Exception {
        try (RawSocket slow = RawSocket.webSocket(server.port(), 4096)) {
            slow.subscribe("news");
            fillUntilSlowConsumerClosed(hub, null);
            Thread.sleep(3_000); // stalled past the old grace

            int frames = 0;
            RawSocket.Frame frame;
            while ((frame = slow.readFrame()).opcode() != 8) {
                frames++;
            }
            assertEquals(CloseCodes.SLOW_CONSUMER, frame.closeCode(), "after " + frames + " frames");
        }
    }

    /** Triggers 8 kB events on "news" until the hub closes a slow consumer; how many it sent. */
    private static int fillUntilSlowConsumerClosed(BroadcastHub hub, RawSocket healthy) throws IOException {
        String data = "x".repeat(8_000);
        int sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (hub.stats().closesByCode().getOrDefault(CloseCodes.SLOW_CONSUMER, 0L) == 0 && System.nanoTime() < deadline) {
            hub.trigger("app-id", List.of("news"), "tick", data, null);
            sent++;
            if (healthy != null) {
                healthy.readText(); // the healthy client keeps up
            }
        }
        assertEquals(1L, hub.stats().closesByCode().get(CloseCodes.SLOW_CONSUMER), "closed as a slow consumer");
        return sent;
    }

    /** Waits until {@code admission} holds {@code sockets} open, for at most the close grace and 5 s. */
    private static void awaitOpen(Admission admission, int sockets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ServerTransport.CLOSE_GRACE_SECONDS + 5);
        while (admission.open() != sockets && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(sockets, admission.open(), "sockets open");
    }

    // ---- pusher-js's HTTP transports

    /**
     * pusher-js's HTTP transports (issue 12) refuse bad requests over the wire with their status
     * and a JSON error: a send to an unknown session, a body that is not a JSON array of strings
     * or is over the limit, a second stream on a session, a method other than POST.
     */
    @Test
    void httpTransportRequestsThatAreWrongGetTheirStatus() throws IOException {
        assertEquals(404, status(post(SESSION + "xhr_send", "[]")), "a send before the session is open");
        try (RawSocket stream = stream()) {
            assertEquals(400, status(post(SESSION + "xhr_send", "{\"event\":\"pusher:ping\"}")), "not an array");
            assertEquals(400, status(post(SESSION + "xhr_send", "[1]")), "not strings");
            assertEquals(413, status(post(SESSION + "xhr_send", "[\"" + "x".repeat(30_000) + "\"]")), "over the limit");
            assertEquals(409, status(post(SESSION + "xhr_streaming?protocol=7", "")), "a second stream");
            assertEquals(405, status("PUT " + SESSION + "xhr_send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
            assertEquals(204, status(post(SESSION + "xhr_send", "[]")), "the session still works");
        }
    }

    /**
     * A stream whose client drops it ends its session at once, as a dropped WebSocket does (the
     * presence leave, the webhooks), not at the next heartbeat or the idle timeout, which are 25
     * and 60 s here.
     */
    @Test
    void aStreamItsClientDropsEndsItsSessionAtOnce() throws Exception {
        try (RawSocket stream = stream()) {
            awaitConnections(1);
        }
        awaitConnections(0);
    }

    /**
     * A client that sends a request on the connection its stream is held on (a pipelining client:
     * no browser does) gets that connection closed rather than an answer in the middle of the
     * stream, which ends its session as a dropped stream does.
     */
    @Test
    void aRequestOnTheConnectionOfAHeldStreamClosesIt() throws Exception {
        try (RawSocket stream = stream()) {
            awaitConnections(1);
            stream.send(UP);
            String rest = stream.readRest();
            assertFalse(rest.contains("HTTP/1.1"), "no answer inside the stream: " + rest);
        }
        awaitConnections(0);
        assertEquals(404, status(post(SESSION + "xhr_send", "[]")), "the session is gone");
    }

    // ---- RFC 6455

    /** D16: an unmasked client frame was accepted; the server must close with 1002 (§5.1). */
    @Test
    void anUnmaskedFrameGets1002() throws IOException {
        try (RawSocket socket = webSocket()) {
            byte[] ping = PING.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[2 + ping.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) ping.length; // mask bit clear
            System.arraycopy(ping, 0, frame, 2, ping.length);
            socket.send(frame);
            assertEquals(1002, socket.closeCode());
        }
        try (RawSocket socket = webSocket()) {
            socket.sendText(PING);
            assertTrue(socket.readText().contains("pusher:pong"), "masked is read");
        }
    }

    /** D16: binary frames were ignored silently; they are not part of the Pusher protocol (1003). */
    @Test
    void aBinaryFrameGets1003() throws IOException {
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x82, new byte[] {1, 2, 3});
            assertEquals(1003, socket.closeCode());
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x02, new byte[] {1, 2, 3}); // the first fragment is enough
            assertEquals(1003, socket.closeCode());
        }
    }

    /**
     * D16: a frame announcing 100 MB was buffered to about 8 MB and closed with 1011; it gets 1009
     * from its header, before any more of it is sent.
     */
    @Test
    void aHugeFrameGets1009FromItsHeader() throws IOException {
        try (RawSocket socket = webSocket()) {
            byte[] start = new byte[1024];
            Arrays.fill(start, (byte) 'x');
            socket.sendFrame(0x81, start, 100_000_000L); // header and 1 KiB of a 100 MB frame
            assertEquals(1009, socket.closeCode());
        }
    }

    /** The message limit: 10 KiB are read, one byte more gets 1009, whole or in fragments. */
    @Test
    void aMessageAtTheLimitIsReadAndOnePastItGets1009() throws IOException {
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x81, ping(LIMIT));
            assertTrue(socket.readText().contains("pusher:pong"));
            byte[] fragmented = ping(LIMIT);
            socket.sendFrame(0x01, Arrays.copyOfRange(fragmented, 0, 6_000));
            socket.sendFrame(0x80, Arrays.copyOfRange(fragmented, 6_000, LIMIT));
            assertTrue(socket.readText().contains("pusher:pong"), "fragmented");
            socket.sendFrame(0x81, ping(LIMIT + 1));
            assertEquals(1009, socket.closeCode());
        }
        try (RawSocket socket = webSocket()) {
            byte[] fragmented = ping(LIMIT + 1);
            socket.sendFrame(0x01, Arrays.copyOfRange(fragmented, 0, 6_000));
            socket.sendFrame(0x80, Arrays.copyOfRange(fragmented, 6_000, LIMIT + 1));
            assertEquals(1009, socket.closeCode());
        }
    }

    /** D7: a fragmented message far over the bound got a bare TCP close, no 1009 close frame. */
    @Test
    void aFragmentedMessageOverTheBoundGets1009() throws IOException {
        byte[] part = new byte[8_000];
        Arrays.fill(part, (byte) 'x');
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x01, part); // text, not final
            for (int i = 0; i < 3; i++) {
                socket.sendFrame(0x00, part); // continuations: 32,000 bytes in all
            }
            socket.sendFrame(0x80, part);
            assertEquals(1009, socket.closeCode());
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x01, part);
            for (int i = 0; i < 10_000; i++) { // 80 MB in continuations: closed long before
                try {
                    socket.sendFrame(0x00, part);
                } catch (SocketException closed) {
                    break;
                }
            }
            assertEquals(1009, socket.closeCode());
        }
    }

    /** D6: invalid UTF-8 in a text frame was accepted and relayed as U+FFFD; it fails with 1007. */
    @Test
    void invalidUtf8FailsTheConnectionWith1007() throws IOException {
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, socket.closeCode());
        }
        try (RawSocket socket = webSocket()) { // a character split across fragments is fine
            byte[] ping = "{\"event\":\"pusher:ping\",\"data\":{\"é\":1}}".getBytes(StandardCharsets.UTF_8);
            int split = "{\"event\":\"pusher:ping\",\"data\":{\"".length() + 1; // inside the é
            socket.sendFrame(0x01, Arrays.copyOfRange(ping, 0, split));
            socket.sendFrame(0x80, Arrays.copyOfRange(ping, split, ping.length));
            assertTrue(socket.readText().contains("pusher:pong"));
        }
    }

    /** D8: close frames with codes no endpoint may send got no 1002; 5000 and 65535 were echoed. */
    @Test
    void aCloseFrameWithAnInvalidCodeGets1002() throws IOException {
        for (int code : new int[] {1005, 1006, 1015, 999, 1004, 1016, 2999, 5000, 65535}) {
            try (RawSocket socket = webSocket()) {
                socket.sendFrame(0x88, new byte[] {(byte) (code >> 8), (byte) code});
                assertEquals(1002, socket.closeCode(), "close code " + code);
            }
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x88, new byte[] {0x03});
            assertEquals(1002, socket.closeCode(), "a one-byte close body");
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, (byte) 0x28}); // 1000, bad UTF-8 reason
            assertEquals(1007, socket.closeCode(), "invalid UTF-8 in the reason");
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x88, new byte[] {0x0F, (byte) 0xA0}); // 4000, an application code
            assertEquals(4000, socket.closeCode(), "a valid code is echoed");
        }
        try (RawSocket socket = webSocket()) {
            socket.sendFrame(0x88, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'});
            assertEquals(1000, socket.closeCode(), "a normal close is echoed");
        }
    }

    // ---- helpers

    static final String SESSION = "/pusher/app/app-key/1/abcdefgh/";

    /** A POST of {@code body} to {@code target}, with its length. */
    static String post(String target, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** A socket holding the stream of a new HTTP transport session, its connection established. */
    RawSocket stream() throws IOException {
        RawSocket stream = socket();
        stream.send(post(SESSION + "xhr_streaming?protocol=7", ""));
        String head = stream.readHead();
        assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase().contains("transfer-encoding: chunked"), head);
        stream.readUntil("pusher:connection_established");
        return stream;
    }

    /** Waits until the hub counts {@code connections}, for at most 5 s. */
    void awaitConnections(int connections) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.stats().connections() != connections && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(connections, hub.stats().connections(), "connections of the hub");
    }

    RawSocket socket() throws IOException {
        return RawSocket.open(server.port());
    }

    RawSocket webSocket() throws IOException {
        return RawSocket.webSocket(server.port());
    }

    int status(String request) throws IOException {
        return RawSocket.status(server.port(), request);
    }

    /** A signed POST to the HTTP API with {@code body}. */
    static String signed(String path, String body) {
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
    static byte[] ping(int size) {
        return (PING + " ".repeat(size - PING.length())).getBytes(StandardCharsets.UTF_8);
    }

    /** An error answer in JSON, never HTML or a stack trace. */
    static void assertJson(Answer answer) {
        assertFalse(answer.body().contains("<") || answer.body().contains("Exception") || answer.body().contains("\tat "),
                answer.head() + answer.body());
        if (!answer.body().isEmpty()) {
            assertTrue(answer.head().toLowerCase().contains("content-type: application/json"), answer.head());
            assertTrue(answer.body().startsWith("{\"error\":\""), answer.body());
        }
    }
}
