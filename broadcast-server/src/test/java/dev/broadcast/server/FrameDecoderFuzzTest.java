package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzzes the Netty transport's WebSocket frame decoding: the pipeline {@code NettyServer} builds
 * after the handshake ({@link StrictFrameDecoder} and the aggregator), fed
 * any bytes a client could send. Regression inputs:
 * {@code src/test/resources/dev/broadcast/server/FrameDecoderFuzzTestInputs/}; see docs/fuzzing.md.
 */
class FrameDecoderFuzzTest {

    private static final int BOUND = 2 * 400 + 1024;

    /**
     * Whatever arrives, only RFC 6455 failures come out (a corrupted frame or one too long), and
     * the connection is told why in a close frame with 1002, 1003, 1007 or 1009, or, for a message too
     * big, by the transport's own 1009; every text message handed on is valid UTF-8 and within the
     * bound, and every close frame handed on carries a code an endpoint may send (or none).
     */
    @FuzzTest(maxDuration = "10s")
    void framesAreDecodedOrRefusedWithTheirCloseCode(byte[] input) {
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(BOUND).allowExtensions(false).build();
        EmbeddedChannel channel = new EmbeddedChannel(new StrictFrameDecoder(config), new WebSocketFrameAggregator(BOUND));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            channel.checkException();
        } catch (CorruptedWebSocketFrameException refused) {
            Object written = channel.readOutbound();
            if (written instanceof CloseWebSocketFrame close) {
                assertTrue(Set.of(1002, 1003, 1007, 1009).contains(close.statusCode()), "close " + close.statusCode());
                close.release();
            }
        } catch (TooLongFrameException tooLong) {
            // NettyConnection answers this with 1009
        } finally {
            Object frame;
            while ((frame = channel.readInbound()) != null) {
                check((WebSocketFrame) frame);
            }
            try {
                channel.finishAndReleaseAll();
            } catch (PrematureChannelClosureException clientLeftMidMessage) {
                // the connection closing with a message half in: nothing to hand on
            }
        }
    }

    private static void check(WebSocketFrame frame) {
        try {
            if (frame instanceof TextWebSocketFrame text) {
                assertTrue(text.content().readableBytes() <= BOUND, "within the bound");
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(text.content().nioBuffer());
                } catch (CharacterCodingException e) {
                    throw new AssertionError("a text message that is not UTF-8 was handed on");
                }
            } else if (frame instanceof CloseWebSocketFrame close && close.content().readableBytes() >= 2) {
                assertTrue(StrictFrameDecoder.sendable(close.statusCode()), "close code " + close.statusCode());
            } else if (frame instanceof CloseWebSocketFrame close) {
                assertEquals(0, close.content().readableBytes(), "a close body is empty or has a code");
            }
        } finally {
            frame.release();
        }
    }

    /** A masked client frame, for the seeds. */
    static byte[] frame(int first, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(8 + payload.length);
        out.put((byte) first).put((byte) (0x80 | payload.length)).put(new byte[] {1, 2, 3, 4});
        for (int i = 0; i < payload.length; i++) {
            out.put((byte) (payload[i] ^ (i % 4 + 1)));
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }
}
