package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.List;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the frame headers of a Tyrus connection's inbound bytes before Tyrus does, and fails the
 * connection where Tyrus would not (RFC 6455 §5.1, §5.2, §7.4):
 * <ul>
 *   <li>an unmasked client frame: 1002 (Tyrus reads it);</li>
 *   <li>a binary frame: 1003, binary messages are not part of the Pusher protocol (Tyrus drops
 *       it silently, the endpoint having no binary handler);</li>
 *   <li>a frame that takes its message past the bound: 1009, from the frame's header (Tyrus
 *       buffers a whole frame before it looks at it, up to 4 MB, then closes with 1011);</li>
 *   <li>a 64-bit length with its top bit set: 1002.</li>
 * </ul>
 * Everything else (close codes, UTF-8, control frames, fragmentation) Tyrus checks itself. The
 * bytes before an offending frame are handed on, so what was sent before it is processed. The
 * failure goes through Tyrus's own close, so the endpoint's {@code onClose} sees the code.
 */
final class GrizzlyFrameGuard implements ReadHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GrizzlyFrameGuard.class);

    private final ReadHandler tyrus;
    private final Connection connection;
    private final long bound;

    /** Header bytes of the frame being read (at most 2 + 8 + 4). */
    private final byte[] header = new byte[14];
    private int headerLength;
    /** Payload bytes of the current frame still to pass. */
    private long payloadLeft;
    /** Payload bytes of the data message in progress, fragments so far. */
    private long messageBytes;
    private boolean failed;

    private GrizzlyFrameGuard(ReadHandler tyrus, Connection connection, long bound) {
        this.tyrus = tyrus;
        this.connection = connection;
        this.bound = bound;
    }

    /** {@code engine} with every connection it upgrades read through a guard. */
    static WebSocketEngine guarding(WebSocketEngine engine, BroadcastHub hub) {
        return new WebSocketEngine() {
            @Override
            public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
                UpgradeInfo info = engine.upgrade(request, response);
                if (info.getStatus() != UpgradeStatus.SUCCESS) {
                    return info;
                }
                List<String> key = request.getParameterMap().get("key"); // the {key} path parameter, once matched
                long bound = hub.maxTransportMessageBytes(key == null || key.isEmpty() ? null : key.get(0));
                return new UpgradeInfo() {
                    @Override
                    public UpgradeStatus getStatus() {
                        return info.getStatus();
                    }

                    @Override
                    public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                        return guarded(info.createConnection(writer, closeListener), bound);
                    }
                };
            }

            @Override
            public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
                engine.register(endpointClass, contextPath);
            }

            @Override
            public void register(ServerEndpointConfig serverConfig, String contextPath) throws DeploymentException {
                engine.register(serverConfig, contextPath);
            }
        };
    }

    private static Connection guarded(Connection connection, long bound) {
        ReadHandler guard = new GrizzlyFrameGuard(connection.getReadHandler(), connection, bound);
        return new Connection() {
            @Override
            public ReadHandler getReadHandler() {
                return guard;
            }

            @Override
            public Writer getWriter() {
                return connection.getWriter();
            }

            @Override
            public CloseListener getCloseListener() {
                return connection.getCloseListener();
            }

            @Override
            public void close(CloseReason reason) {
                connection.close(reason);
            }
        };
    }

    /** Called by the container with each read, one at a time. */
    @Override
    public void handle(ByteBuffer data) {
        if (failed) {
            return;
        }
        int start = data.position();
        int end = data.limit();
        int at = start;
        // where the frame whose header is being read starts in data (start if in an earlier read)
        int frameStart = start;
        while (at < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - at);
                at += skip;
                payloadLeft -= skip;
                continue;
            }
            if (headerLength == 0) {
                frameStart = at;
            }
            header[headerLength++] = data.get(at++);
            CloseReason problem = headerProblem();
            if (problem != null) {
                failed = true;
                ByteBuffer before = data.duplicate();
                before.limit(frameStart);
                if (before.hasRemaining()) {
                    tyrus.handle(before);
                }
                LOG.debug("WebSocket failed with {}: {}", problem.getCloseCode().getCode(), problem.getReasonPhrase());
                connection.close(problem);
                return;
            }
        }
        tyrus.handle(data);
    }

    /** Checks the header read so far; once it is whole, starts its payload. */
    private CloseReason headerProblem() {
        if (headerLength < 2) {
            return null;
        }
        int opcode = header[0] & 0x0F;
        boolean fin = (header[0] & 0x80) != 0;
        if (headerLength == 2) {
            if ((header[1] & 0x80) == 0) {
                return reason(CloseReason.CloseCodes.PROTOCOL_ERROR, "Client frames must be masked (RFC 6455 §5.1)");
            }
            if (opcode == 0x2) {
                return reason(CloseReason.CloseCodes.CANNOT_ACCEPT, "Binary messages are not part of the Pusher protocol");
            }
        }
        int lengthCode = header[1] & 0x7F;
        int extended = lengthCode == 127 ? 8 : lengthCode == 126 ? 2 : 0;
        if (headerLength < 2 + extended + 4) {
            return null;
        }
        long length = lengthCode;
        if (extended > 0) {
            length = 0;
            for (int i = 2; i < 2 + extended; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                return reason(CloseReason.CloseCodes.PROTOCOL_ERROR, "A frame length has its top bit set (RFC 6455 §5.2)");
            }
        }
        headerLength = 0;
        payloadLeft = length;
        if (opcode == 0x0 || opcode == 0x1) { // a data frame: the message grows
            if (messageBytes + length > bound) {
                return reason(CloseReason.CloseCodes.TOO_BIG, "Message too big");
            }
            messageBytes = fin ? 0 : messageBytes + length;
        }
        return null;
    }

    private static CloseReason reason(CloseReason.CloseCode code, String phrase) {
        return new CloseReason(code, phrase);
    }
}
