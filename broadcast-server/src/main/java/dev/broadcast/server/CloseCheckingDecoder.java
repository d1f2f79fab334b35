package dev.broadcast.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Netty's RFC 6455 decoder with the close frame checked as the RFC says (§5.5.1, §7.4): a code
 * no endpoint may send (below 1000, 1004 to 1006, 1015 to 2999, above 4999) fails the
 * connection with 1002, a reason that is not UTF-8 with 1007, and the client is told so in a
 * close frame. Netty accepts codes above 4999, and once a close frame has arrived it answers a
 * bad one with no close frame at all.
 */
final class CloseCheckingDecoder extends WebSocket13FrameDecoder {

    CloseCheckingDecoder(WebSocketDecoderConfig config) {
        super(config);
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
