package dev.broadcast.core.internal;

/**
 * One outbound protocol message, encoded once and shared by every connection it goes to.
 *
 * @param text  the frame text
 * @param bytes its UTF-8 length, what it costs in a connection's outbound bound
 */
public record Frame(String text, int bytes) {

    public static Frame of(String text) {
        return new Frame(text, Json.utf8Length(text));
    }
}
