package dev.broadcast.core.internal.fallback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLineIsAJsonArrayOfTheFramesAsTheyWere() throws Exception {
        List<String> frames = List.of("{\"event\":\"e\",\"data\":\"{\\\"a\\\":\\\"q\\\\\\\"\\\"}\"}",
                "tab\tnew line\ncontrol\u0001 é ✓ 😀", "", "\u001f\"\\");
        byte[] line = Lines.of(frames.stream().map(f -> f.getBytes(StandardCharsets.UTF_8)).toList());
        String text = new String(line, StandardCharsets.UTF_8);
        assertEquals('a', text.charAt(0));
        assertEquals('\n', text.charAt(text.length() - 1));
        JsonNode array = JSON.readTree(text.substring(1, text.length() - 1));
        assertEquals(frames.size(), array.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i), array.get(i).textValue());
        }
        assertEquals("\"\\u0001\\u001f\"", Lines.quote("\u0001\u001f"));
    }

    @Test
    void aFrameSentToManySessionsIsQuotedOnce() {
        byte[] frame = "{\"event\":\"e\",\"data\":\"\\\"x\\\"\"}".getBytes(StandardCharsets.UTF_8);
        byte[] first = Lines.quoted(frame);
        assertSame(first, Lines.quoted(frame), "the same array: the same quoted form");
        byte[] equalButAnother = frame.clone();
        assertArrayEquals(first, Lines.quoted(equalButAnother));
        byte[] large = new byte[Lines.CACHED_FRAME_BYTES + 1];
        java.util.Arrays.fill(large, (byte) 'x');
        assertNotSame(Lines.quoted(large), Lines.quoted(large), "past the bound: escaped each time");
        byte[] atBound = new byte[Lines.CACHED_FRAME_BYTES];
        java.util.Arrays.fill(atBound, (byte) 'x');
        assertSame(Lines.quoted(atBound), Lines.quoted(atBound), "at the bound: cached");
    }
}
