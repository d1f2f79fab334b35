package dev.broadcast.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends benchmark events. One instance per thread: each holds one connection. {@code data} strings
 * are plain ASCII (the payload markers), so they need no JSON escaping.
 */
interface Publisher extends AutoCloseable {

    String CHANNEL = "bench";
    String EVENT = "bench";

    /**
     * Publishes {@code n} events, {@code data[i]} on {@code channels[i]}: one request (a trigger, or a
     * batch when {@code n > 1}) where the transport allows.
     *
     * @return false if the server refused it
     */
    boolean publish(String[] channels, String[] data, int n) throws IOException;

    /** One event on {@link #CHANNEL}. */
    default boolean publish(String data) throws IOException {
        return publish(new String[] {CHANNEL}, new String[] {data}, 1);
    }

    @Override
    default void close() {
    }

    /**
     * The signed Pusher HTTP API over one keep-alive HTTP/1.1 connection: {@code POST
     * /apps/{id}/events} for one event, {@code /batch_events} for several (Pusher allows 10), each
     * request signed as the project's PusherDriver signs it (HMAC-SHA256 of
     * {@code POST\n<path>\n<sorted query>} with {@code body_md5}). A hand-written client, because
     * the JDK's HttpClient costs tens of microseconds of CPU per request and the load generator
     * shares the machine with the server. Reconnects when the server closes the connection.
     */
    final class HttpApi implements Publisher {
        private static final Pattern CONNECTIONS = Pattern.compile("\"connections\"\\s*:\\s*(\\d+)");

        private final String host;
        private final int port;
        private final String appId;
        private final String key;
        private final Mac mac;
        private final MessageDigest md5;
        private final HexFormat hex = HexFormat.of();
        private final StringBuilder text = new StringBuilder(512);
        private final byte[] line = new byte[8192];
        private final byte[] rbuf = new byte[16384];
        private int rpos;
        private int rlen;
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private int refusals;
        private String lastBody = "";
        /** Opens the connections: plain, or TLS ({@link #overTls}). */
        private javax.net.SocketFactory sockets = javax.net.SocketFactory.getDefault();

        HttpApi(String host, int port, String appId, String key, String secret) {
            this.host = host;
            this.port = port;
            this.appId = appId;
            this.key = key;
            try {
                this.mac = Mac.getInstance("HmacSHA256");
                this.mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                this.md5 = MessageDigest.getInstance("MD5");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Speaks HTTPS to a server trusted by {@code tls}. */
        HttpApi overTls(javax.net.ssl.SSLContext tls) {
            sockets = tls.getSocketFactory();
            return this;
        }

        @Override
        public boolean publish(String[] channels, String[] data, int n) throws IOException {
            text.setLength(0);
            if (n == 1) {
                event(channels[0], data[0]);
            } else {
                text.append("{\"batch\":[");
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        text.append(',');
                    }
                    event(channels[i], data[i]);
                }
                text.append("]}");
            }
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            int status = request("POST", "/apps/" + appId + (n == 1 ? "/events" : "/batch_events"), body);
            if (status != 200) {
                if (refusals++ < 3) {
                    System.err.println("publisher: " + status + " " + lastBody);
                }
                return false;
            }
            return true;
        }

        private void event(String channel, String data) {
            text.append("{\"name\":\"").append(EVENT).append("\",\"channel\":\"").append(channel)
                    .append("\",\"data\":\"").append(data).append("\"}");
        }

        /** The body of a signed {@code GET path}, whatever its status. */
        String get(String path) throws IOException {
            request("GET", path, new byte[0]);
            return lastBody;
        }

        /** The server's open connection count ({@code GET /apps/{id}/connections}). */
        OptionalInt connections() {
            try {
                if (request("GET", "/apps/" + appId + "/connections", new byte[0]) == 200) {
                    Matcher m = CONNECTIONS.matcher(lastBody);
                    if (m.find()) {
                        return OptionalInt.of(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // unknown
            }
            return OptionalInt.empty();
        }

        private int request(String method, String path, byte[] body) throws IOException {
            StringBuilder q = new StringBuilder(160).append("auth_key=").append(key)
                    .append("&auth_timestamp=").append(System.currentTimeMillis() / 1000).append("&auth_version=1.0");
            if (body.length > 0) {
                q.append("&body_md5=").append(hex.formatHex(md5.digest(body)));
            }
            String params = q.toString();
            String signature = hex.formatHex(mac.doFinal((method + "\n" + path + "\n" + params).getBytes(StandardCharsets.UTF_8)));
            String head = method + " " + path + "?" + params + "&auth_signature=" + signature + " HTTP/1.1\r\nHost: "
                    + host + ":" + port + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            boolean reused = socket != null;
            try {
                return exchange(all);
            } catch (IOException e) {
                disconnect();
                if (!reused) {
                    throw e;
                }
                return exchange(all); // the kept-alive connection had gone stale: once more on a new one
            }
        }

        private int exchange(byte[] request) throws IOException {
            if (socket == null) {
                socket = sockets.createSocket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setSoTimeout(30_000);
                out = socket.getOutputStream();
                in = socket.getInputStream();
                rpos = 0;
                rlen = 0;
            }
            out.write(request);
            out.flush();
            String status = readLine();
            if (status == null) {
                throw new EOFException("connection closed before a response");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while ((header = readLine()) != null && !header.isEmpty()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    close = true;
                }
            }
            StringBuilder responseBody = new StringBuilder();
            if (chunked) {
                String size;
                while ((size = readLine()) != null) {
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        readLine();
                        break;
                    }
                    responseBody.append(new String(readN(n), StandardCharsets.UTF_8));
                    readLine();
                }
            } else if (length >= 0) {
                responseBody.append(new String(readN((int) length), StandardCharsets.UTF_8));
            } else {
                int b;
                while ((b = readByte()) >= 0) {
                    responseBody.append((char) b);
                }
                close = true;
            }
            lastBody = responseBody.toString();
            if (close) {
                disconnect();
            }
            return code;
        }

        /** A CRLF-terminated line, or null at EOF. */
        private String readLine() throws IOException {
            int n = 0;
            int b;
            while ((b = readByte()) >= 0) {
                if (b == '\n') {
                    if (n > 0 && line[n - 1] == '\r') {
                        n--;
                    }
                    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
                }
                if (n == line.length) {
                    throw new IOException("response line too long");
                }
                line[n++] = (byte) b;
            }
            return n == 0 ? null : new String(line, 0, n, StandardCharsets.ISO_8859_1);
        }

        private int readByte() throws IOException {
            if (rpos == rlen) {
                rlen = in.read(rbuf);
                rpos = 0;
                if (rlen <= 0) {
                    rlen = 0;
                    return -1;
                }
            }
            return rbuf[rpos++] & 0xff;
        }

        private byte[] readN(int n) throws IOException {
            byte[] result = new byte[n];
            for (int i = 0; i < n; i++) {
                int b = readByte();
                if (b < 0) {
                    throw new EOFException("response body cut short");
                }
                result[i] = (byte) b;
            }
            return result;
        }

        private void disconnect() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            socket = null;
        }

        @Override
        public void close() {
            disconnect();
        }
    }

    /** The baseline's /pub WebSocket: the complete Pusher event frame text, forwarded verbatim, one message per event. */
    final class RawWebSocket implements Publisher {
        private final WebSocket socket;

        RawWebSocket(URI uri) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() { }).get();
        }

        @Override
        public boolean publish(String[] channels, String[] data, int n) throws IOException {
            try {
                for (int i = 0; i < n; i++) {
                    socket.sendText("{\"event\":\"" + EVENT + "\",\"channel\":\"" + channels[i] + "\",\"data\":\""
                            + data[i] + "\"}", true).get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
            return true;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
