package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrictFrameDecoderTest {

    /** The UTF-8 check agrees with the JDK's strict decoder, on every split of the bytes in two. */
    @Test
    void utf8AgreesWithTheJdkWhereverTheBytesAreSplit() {
        Random random = new Random(11);
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
            0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        int checked = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) interesting[random.nextInt(interesting.length)];
            }
            boolean valid = jdkAccepts(bytes);
            for (int split = 0; split <= bytes.length; split++) {
                StrictFrameDecoder.Utf8 utf8 = new StrictFrameDecoder.Utf8();
                boolean accepted = utf8.accept(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split)))
                        && utf8.accept(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length)))
                        && utf8.complete();
                assertEquals(valid, accepted, () -> "bytes " + Arrays.toString(bytes));
                checked++;
            }
        }
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
                StrictFrameDecoder.Utf8 utf8 = new StrictFrameDecoder.Utf8();
                byte[] bytes = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
                assertEquals(true, utf8.accept(Unpooled.wrappedBuffer(bytes)) && utf8.complete(), "U+" + Integer.toHexString(codePoint));
            }
        }
        System.out.println("UTF-8 check agreed with the JDK on " + checked + " splits and every code point");
    }

    /** A text message split inside a character is whole; one that is not UTF-8 gets 1007. */
    @Test
    void aTextMessageIsCheckedAcrossItsFragments() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(0x01, new byte[] {'{', e[0]}), frame(0x80, new byte[] {e[1], '}'})));
        TextWebSocketFrame message = channel.readInbound();
        assertEquals("{é}", message.text());
        message.release();

        channel.writeInbound(Unpooled.wrappedBuffer(frame(0x01, new byte[] {'{', e[0]})));
        assertThrows(CorruptedWebSocketFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(frame(0x80, new byte[] {'}'}))));
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(1007, close.statusCode());
        close.release();
        assertNull(channel.readInbound());
    }

    /**
     * The fuzzer's finding: a text message failing UTF-8, then more frames in the same read. Before,
     * they went on past the validator, and the aggregator handed on a message holding a byte that
     * was not UTF-8. Nothing after the failure is handed on.
     */
    @Test
    void nothingAfterAFailureIsHandedOn() {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        read.writeBytes(frame(0x01, "{\"event\":\"pus".getBytes(StandardCharsets.US_ASCII)));
        read.writeBytes(frame(0x80, new byte[] {(byte) 0xAA})); // not UTF-8: the connection fails
        read.writeBytes(frame(0x81, "{}".getBytes(StandardCharsets.US_ASCII)));
        read.writeBytes(frame(0x01, "{\"event\":\"pus".getBytes(StandardCharsets.US_ASCII)));
        read.writeBytes(frame(0x80, new byte[] {(byte) 0x83}));
        EmbeddedChannel channel = channel();
        assertThrows(CorruptedWebSocketFrameException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(read.toByteArray())));
        assertNull(channel.readInbound(), "a frame after the failure was handed on");
        assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
    }

    private static EmbeddedChannel channel() {
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(1024).allowExtensions(false).build();
        return new EmbeddedChannel(new StrictFrameDecoder(config), new WebSocketFrameAggregator(1024));
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] frame(int first, byte[] payload) {
        return FrameDecoderFuzzTest.frame(first, payload);
    }
}
