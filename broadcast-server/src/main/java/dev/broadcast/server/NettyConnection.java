package dev.broadcast.server;

import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Pusher connection on Netty: feeds what arrives to the engine's {@link Connection} and writes
 * what the engine queues. Writes are coalesced: every batch the engine hands over is framed into one
 * buffer and written with one system call by the event loop's {@link Flusher}, and since the engine
 * collects frames while a write is in flight, a busy connection gets many frames per write.
 */
final class NettyConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(NettyConnection.class);

    private final Channel channel;
    private final WebSocketServerHandshaker handshaker;
    private final Flusher flusher;
    /** What waits for the flusher, and its callback; the engine never has two outstanding. */
    private volatile WaitingFrames waiting;
    private volatile SendCallback waitingDone;
    /** Set once the handshake is done, on the event loop, before any frame can arrive. */
    private Connection connection;

    NettyConnection(Channel channel, WebSocketServerHandshaker handshaker, Flusher flusher) {
        this.channel = channel;
        this.handshaker = handshaker;
        this.flusher = flusher;
    }

    void open(Connection opened) {
        connection = opened;
        if (!channel.isActive()) {
            opened.closed();
        }
    }

    // ---- inbound, on the event loop

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        Connection current = connection;
        if (current == null) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            current.receive(text.text());
        } else if (frame instanceof PingWebSocketFrame) {
            current.touch();
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof PongWebSocketFrame) {
            current.touch();
        } else if (frame instanceof CloseWebSocketFrame) {
            handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
        } // binary frames never get here (StrictFrameDecoder)
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Connection current = connection;
        if (current != null) {
            current.closed();
        }
        ctx.fireChannelInactive();
    }

    /**
     * Framing errors end the connection with their RFC 6455 close code: a message over the size
     * bound with 1009, a protocol violation with the decoder's 1002, 1003 or 1007 (the decoder and the
     * UTF-8 validator have sent that close frame already), anything else with 1011.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("WebSocket error on {}", connection == null ? "?" : connection.socketId(), cause);
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "Message too big")).addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            ctx.close();
        } else {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR,
                    "Internal error")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---- outbound, called by the engine on any thread

    @Override
    public void send(String frame, SendCallback done) {
        byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);
        sendAll(() -> List.of(utf8), done);
    }

    @Override
    public boolean writesBatches() {
        return true;
    }

    /** Queues the connection on its event loop's {@link Flusher}, which writes it in its next pass. */
    @Override
    public void sendAll(WaitingFrames frames, SendCallback done) {
        waitingDone = done;
        waiting = frames;
        flusher.add(this);
    }

    /**
     * Takes what waits now (frames that arrived since {@link #sendAll} included), frames it into
     * one buffer and writes it with one flush; on the event loop.
     */
    void writePending() {
        SendCallback done = waitingDone;
        List<byte[]> frames = waiting.take();
        waiting = null;
        waitingDone = null;
        if (frames.isEmpty()) {
            done.completed(null);
            return;
        }
        int size = 0;
        for (byte[] frame : frames) {
            size += headerSize(frame.length) + frame.length;
        }
        ByteBuf out = channel.alloc().ioBuffer(size);
        for (byte[] frame : frames) {
            writeTextFrame(out, frame);
        }
        channel.writeAndFlush(out).addListener(
                (ChannelFutureListener) written -> done.completed(written.isSuccess() ? null : written.cause()));
    }

    /**
     * Sends the close frame and closes once it is written. A client that stopped reading (a slow
     * consumer) would hold the close frame behind unread data forever, so the socket is closed
     * regardless after {@link ServerTransport#CLOSE_GRACE_SECONDS}.
     */
    @Override
    public void close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), ServerTransport.CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** RFC 6455 §5.2: FIN + text opcode, unmasked (server to client), 7-bit, 16-bit or 64-bit length. */
    static void writeTextFrame(ByteBuf out, byte[] payload) {
        int length = payload.length;
        out.writeByte(0x81);
        if (length < 126) {
            out.writeByte(length);
        } else if (length < 65_536) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
        out.writeBytes(payload);
    }

    static int headerSize(int length) {
        return length < 126 ? 2 : length < 65_536 ? 4 : 10;
    }
}
