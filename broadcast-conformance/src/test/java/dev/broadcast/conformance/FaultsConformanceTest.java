package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11, faults the server must survive: its log on a full disk, and a client whose network stalls. */
class FaultsConformanceTest {

    /** The log goes to /dev/full (every write fails with ENOSPC): the server serves on regardless. */
    @Test
    void aFullDiskForTheLogDoesNotStopTheServer() throws Exception {
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", ServerProcess.JAR.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--app-id", Target.APP_ID,
                "--app-key", Target.APP_KEY, "--app-secret", Target.APP_SECRET));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File("/dev/full"));
        builder.environment().keySet().removeIf(name -> name.startsWith("BROADCAST_"));
        Process server = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int status = 0;
            for (int i = 0; i < 300 && status != 200 && server.isAlive(); i++) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/up")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, status, "up with its log on a full disk");
            try (Socket socket = Raw.subscribe(port, "disk")) {
                SignedApi api = new SignedApi("127.0.0.1", port);
                for (int i = 0; i < 20; i++) { // every trigger writes nothing to the log, but a refused one would
                    api.trigger("disk", "e", "{\"i\":" + i + "}");
                }
                for (int i = 0; i < 20; i++) {
                    assertTrue(Raw.readText(socket).contains("\\\"i\\\":" + i), "event " + i);
                }
            }
            assertTrue(server.isAlive());
            System.out.println("log on /dev/full: /up 200, 20 of 20 events delivered, server alive");
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    /**
     * A client whose network stalls for 60 s (it neither reads nor writes) keeps its connection,
     * gets every event queued meanwhile in order once it reads again, and nobody else waits for it.
     */
    @Test
    void aClientWhoseNetworkStallsFor60SecondsLosesNothingAndDelaysNobody() throws Exception {
        try (ServerProcess server = ServerProcess.start("stall", List.of())) {
            try (Socket stalled = Raw.subscribe(server.port(), "stall");
                 Socket healthy = Raw.subscribe(server.port(), "stall")) {
                SignedApi api = new SignedApi("127.0.0.1", server.port());
                String pad = "x".repeat(1000);
                long worst = 0;
                for (int i = 0; i < 60; i++) {
                    long sent = System.nanoTime();
                    api.trigger("stall", "tick", "{\"i\":" + i + ",\"pad\":\"" + pad + "\"}");
                    assertTrue(Raw.readText(healthy).contains("\\\"i\\\":" + i + ","), "healthy got " + i);
                    worst = Math.max(worst, (System.nanoTime() - sent) / 1_000_000);
                    Thread.sleep(1_000);
                }
                for (int i = 0; i < 60; i++) {
                    assertTrue(Raw.readText(stalled).contains("\\\"i\\\":" + i + ","), "the stalled client's event " + i);
                }
                System.out.printf("60 s stall: the stalled client got 60 of 60 events in order afterwards; the healthy one"
                        + " got each within %d ms%n", worst);
            }
        }
    }

    /** A minimal WebSocket client on a plain socket. */
    static final class Raw {
        static Socket subscribe(int port, String channel) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /app/" + Target.APP_KEY + "?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int matched = 0;
            while (matched < 4) {
                int b = socket.getInputStream().read();
                if (b < 0) {
                    throw new IOException("closed during the handshake");
                }
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            assertTrue(readText(socket).contains("connection_established"));
            byte[] payload = ("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            out.write(0x81);
            out.write(0x80 | payload.length);
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
            assertTrue(readText(socket).contains("subscription_succeeded"));
            return socket;
        }

        static String readText(Socket socket) throws IOException {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new String(payload, StandardCharsets.UTF_8);
        }
    }
}
