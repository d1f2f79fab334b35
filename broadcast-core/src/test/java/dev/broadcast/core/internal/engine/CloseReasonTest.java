package dev.broadcast.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A close frame carries at most 123 UTF-8 bytes of reason; the engine cuts longer ones for every transport. */
class CloseReasonTest {

    @Test
    void aReasonOf123BytesIsKeptAndOneOf124IsCut() {
        String at = "r".repeat(123);
        assertEquals(at, ClientConnection.closeReason(at));
        assertEquals(at, ClientConnection.closeReason(at + "x"));
    }

    @Test
    void cutsOnlyAtCharacterBoundaries() {
        String twoByte = "é".repeat(62); // 124 bytes: one character must go, not half of one
        String cut = ClientConnection.closeReason(twoByte);
        assertEquals("é".repeat(61), cut);
        assertEquals(122, cut.getBytes(StandardCharsets.UTF_8).length);

        String emoji = "ab" + "😀".repeat(31); // 2 + 124 bytes; a surrogate pair is never split
        assertEquals("ab" + "😀".repeat(30), ClientConnection.closeReason(emoji));
    }
}
