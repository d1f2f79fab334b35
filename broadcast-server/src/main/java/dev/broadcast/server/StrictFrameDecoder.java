package dev.broadcast.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Netty's RFC 6455 decoder, stricter where the Pusher protocol needs it, the client told why in a
 * close frame each time:
 * <ul>
 *   <li>The close frame is checked as the RFC says (§5.5.1, §7.4): a code no endpoint may send
 *       (below 1000, 1004 to 1006, 1015 to 2999, above 4999) fails the connection with 1002, a
 *       reason that is not UTF-8 with 1007. Netty accepts codes above 4999, and once a close
 *       frame has arrived it answers a bad one with no close frame at all.</li>
 *   <li>A binary frame fails it with 1003 from its first fragment: the protocol is text, and the
 *       aggregator behind would otherwise gather a fragmented binary message first.</li>
 * </ul>
 */
final class StrictFrameDecoder extends WebSocket13FrameDecoder {

    StrictFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int before = out.size();
        super.decode(ctx, in, out);
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof BinaryWebSocketFrame) {
                while (out.size() > i) {
                    ReferenceCountUtil.release(out.remove(out.size() - 1));
                }
                in.skipBytes(in.readableBytes()); // nothing more is read from this connection
                fail(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "Binary messages are not part of the Pusher protocol");
            }
        }
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
        if (body == null || !body.isReadable()) {
            return;
        }
        if (body.readableBytes() == 1) {
            fail(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "A close frame body needs a two-byte code");
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!sendable(code)) {
            fail(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "Close code " + code + " may not be sent");
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2));
        } catch (CharacterCodingException e) {
            fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "The close reason is not UTF-8");
        }
    }

    /** RFC 6455 §7.4.1-2 and the IANA registry: what an endpoint may put in a close frame. */
    static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    private static void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        throw new CorruptedWebSocketFrameException(status, reason);
    }
}
