package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.config.App;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.Connection;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading on the Netty transport: the engine closes it with 4100 once its queue
 * passes the bound, and the socket is released even though the close frame can never reach it.
 */
class SlowConsumerTest {

    @Test
    void aClientThatStopsReadingIsClosedWith4100AndItsSocketReleasedWhileOthersKeepReceiving() throws Exception {
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", "app-secret").build()).build();
        NettyServer server = new NettyServer(hub, 1);
        server.start("127.0.0.1", 0);
        try (RawClient slow = RawClient.subscribe(server.port(), "news", 4096);
             RawClient healthy = RawClient.subscribe(server.port(), "news", 0)) {
            String data = "x".repeat(8_000);
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (hub.stats().closesByCode().getOrDefault(CloseCodes.SLOW_CONSUMER, 0L) == 0
                    && System.nanoTime() < deadline) {
                hub.trigger("app-id", List.of("news"), "tick", data, null);
                sent++;
                healthy.readFrame(); // the healthy client keeps up
            }
            assertEquals(1L, hub.stats().closesByCode().get(CloseCodes.SLOW_CONSUMER), "closed as a slow consumer");
            assertTrue(sent * 8_000L > hub.appByKey("app-key").orElseThrow().limits().maxOutboundBytes(), "sent " + sent);
            assertEquals(1, hub.stats().connections(), "the healthy client stays");

            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NettyConnection.CLOSE_GRACE_SECONDS + 5);
            while (server.openSockets() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, server.openSockets(), "the slow client's socket is closed, not left waiting for a read");

            hub.trigger("app-id", List.of("news"), "after", "{}", null);
            String frame;
            do {
                frame = healthy.readFrame();
            } while (frame.contains("\"tick\""));
            assertTrue(frame.startsWith("{\"event\":\"after\""), frame);
        } finally {
            hub.close();
            server.stop(false);
        }
    }

    /**
     * D10: the 4100 close frame waits behind what the client has not read; a client that reads
     * again after a few seconds gets it (the socket was cut after 2 s before, so it got EOF).
     */
    @Test
    void aSlowConsumerThatReadsAgainGetsItsCloseFrame() throws Exception {
        BroadcastHub hub = BroadcastHub.builder().app(App.builder("app-id", "app-key", "s3cret").build()).build();
        NettyServer server = new NettyServer(hub, 1);
        server.start("127.0.0.1", 0);
        try (RawClient slow = RawClient.subscribe(server.port(), "news", 4096)) {
            String data = "x".repeat(8_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (hub.stats().closesByCode().getOrDefault(CloseCodes.SLOW_CONSUMER, 0L) == 0
                    && System.nanoTime() < deadline) {
                hub.trigger("app-id", List.of("news"), "tick", data, null);
            }
            Thread.sleep(3_000); // stalled past the old grace

            int frames = 0;
            int[] close;
            while ((close = slow.readFrameOrClose()) == null) {
                frames++;
            }
            assertEquals(CloseCodes.SLOW_CONSUMER, close[0], "after " + frames + " frames");
        } finally {
            hub.close();
            server.stop(false);
        }
    }

    /** A minimal WebSocket client on a plain socket, so the test controls exactly when it reads. */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Connects, subscribes to {@code channel} and waits for the confirmation. */
        static RawClient subscribe(int port, String channel, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            RawClient client = new RawClient(socket);
            client.out.write(("GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.skipHeaders();
            assertTrue(client.readFrame().contains("pusher:connection_established"));
            client.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
            assertTrue(client.readFrame().contains("subscription_succeeded"));
            return client;
        }

        private void skipHeaders() throws IOException {
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed during the handshake");
                }
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        String readFrame() throws IOException {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            assertEquals(0x81, first, "a final text frame");
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** Null after a text frame; the close code after a close frame. */
        int[] readFrameOrClose() throws IOException {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            if (first == 0x88) {
                return new int[] {((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)};
            }
            assertEquals(0x81, first, "a final text frame");
            return null;
        }

        void sendText(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            out.write(0x81);
            out.write(0x80 | payload.length); // the subscribe message is under 126 bytes
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
