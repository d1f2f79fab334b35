package dev.broadcast.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Netty's RFC 6455 decoder, stricter where the Pusher protocol needs it, the client told why in a
 * close frame each time:
 * <ul>
 *   <li>A text message that is not UTF-8 fails the connection with 1007 (§8.1), checked frame by
 *       frame as fragments arrive, so that none of it is handed on.</li>
 *   <li>The close frame is checked as the RFC says (§5.5.1, §7.4): a code no endpoint may send
 *       (below 1000, 1004 to 1006, 1015 to 2999, above 4999) fails the connection with 1002, a
 *       reason that is not UTF-8 with 1007. Netty accepts codes above 4999, and once a close
 *       frame has arrived it answers a bad one with no close frame at all.</li>
 *   <li>A binary frame fails it with 1003 from its first fragment: the protocol is text, and the
 *       aggregator behind would otherwise gather a fragmented binary message first.</li>
 * </ul>
 * After a failure nothing more is decoded. Netty's own {@code Utf8FrameValidator}, a handler
 * behind the decoder, cannot promise that: frames decoded from the same read went on past it
 * after it had failed the connection, and its state no longer matched them, so the aggregator
 * handed on a message with a byte that was not UTF-8 (found by {@code FrameDecoderFuzzTest}).
 */
final class StrictFrameDecoder extends WebSocket13FrameDecoder {

    private final Utf8 text = new Utf8();
    /** Within a fragmented text message. */
    private boolean inText;
    private boolean failed;

    StrictFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int before = out.size();
        super.decode(ctx, in, out);
        for (int i = before; i < out.size(); i++) {
            check(ctx, in, out, i);
        }
    }

    /** Fails the connection if frame {@code i} of {@code out} breaks a rule, dropping it and all after it. */
    private void check(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int i) {
        Object frame = out.get(i);
        WebSocketCloseStatus status = null;
        String reason = null;
        if (frame instanceof BinaryWebSocketFrame) {
            status = WebSocketCloseStatus.INVALID_MESSAGE_TYPE;
            reason = "Binary messages are not part of the Pusher protocol";
        } else if (frame instanceof TextWebSocketFrame || frame instanceof ContinuationWebSocketFrame && inText) {
            boolean last = ((WebSocketFrame) frame).isFinalFragment();
            if (!text.accept(((WebSocketFrame) frame).content()) || last && !text.complete()) {
                status = WebSocketCloseStatus.INVALID_PAYLOAD_DATA;
                reason = "A text message is not UTF-8";
            }
            inText = !last;
            if (last) {
                text.reset();
            }
        }
        if (status != null) {
            while (out.size() > i) {
                ReferenceCountUtil.release(out.remove(out.size() - 1));
            }
            in.skipBytes(in.readableBytes());
            fail(ctx, status, reason);
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
        Utf8 reason = new Utf8();
        if (!reason.accept(body.slice(body.readerIndex() + 2, body.readableBytes() - 2)) || !reason.complete()) {
            fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "The close reason is not UTF-8");
        }
    }

    /** RFC 6455 §7.4.1-2 and the IANA registry: what an endpoint may put in a close frame. */
    static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    private void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        failed = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        throw new CorruptedWebSocketFrameException(status, reason);
    }

    /**
     * Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
     * past U+10FFFF), fed in pieces: a character may be split between two fragments.
     */
    static final class Utf8 {
        /** Continuation bytes the character being read still needs. */
        private int needed;
        /** The range the next continuation byte must be in. */
        private int lower = 0x80;
        private int upper = 0xBF;

        /** Reads {@code bytes}; false as soon as they cannot be UTF-8. */
        boolean accept(ByteBuf bytes) {
            for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
                if (!accept(bytes.getByte(i) & 0xFF)) {
                    return false;
                }
            }
            return true;
        }

        private boolean accept(int b) {
            if (needed > 0) {
                if (b < lower || b > upper) {
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                needed--;
                return true;
            }
            if (b <= 0x7F) {
                return true;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                needed = 2;
                lower = b == 0xE0 ? 0xA0 : 0x80; // no overlong form
                upper = b == 0xED ? 0x9F : 0xBF; // no surrogate
            } else if (b >= 0xF0 && b <= 0xF4) {
                needed = 3;
                lower = b == 0xF0 ? 0x90 : 0x80; // no overlong form
                upper = b == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
            } else {
                return false;
            }
            return true;
        }

        /** Whether what was read ends on a whole character. */
        boolean complete() {
            return needed == 0;
        }

        void reset() {
            needed = 0;
            lower = 0x80;
            upper = 0xBF;
        }
    }
}
