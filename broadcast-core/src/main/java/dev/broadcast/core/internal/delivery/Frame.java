package dev.broadcast.core.internal.delivery;

import java.nio.charset.StandardCharsets;

/**
 * One outbound protocol message, encoded once and shared by every connection it goes to: the text
 * for transports that send strings, the UTF-8 bytes for those that write bytes.
 *
 * @param text the frame text
 * @param utf8 its UTF-8 encoding; shared, never modified
 */
public record Frame(String text, byte[] utf8) {

    public static Frame of(String text) {
        return new Frame(text, text.getBytes(StandardCharsets.UTF_8));
    }

    /** What the frame costs in a connection's outbound bound: its UTF-8 length. */
    public int size() {
        return utf8.length;
    }
}
