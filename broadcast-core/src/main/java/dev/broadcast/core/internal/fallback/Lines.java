package dev.broadcast.core.internal.fallback;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@code a[…]} lines of the HTTP transports. A frame goes to every session subscribed to its
 * channel as the same array (encoded once by the engine); its JSON string form is made once too
 * and kept in a small cache keyed by that array's identity, so a broadcast to many sessions escapes
 * it once, not once per session.
 */
final class Lines {

    /** Entries of the cache; a power of two. */
    private static final int SLOTS = 64;
    /**
     * Larger frames are escaped each time, so the cache holds at most {@code SLOTS} frames of this
     * size and their quoted forms (about 1 MB for JSON frames, 3.5 MB at the very worst).
     */
    static final int CACHED_FRAME_BYTES = 8 * 1024;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** A frame and its JSON string form. */
    private record Quoted(byte[] frame, byte[] json) {
    }

    private static final AtomicReferenceArray<Quoted> CACHE = new AtomicReferenceArray<>(SLOTS);

    private Lines() {
    }

    /** {@code a[…]\n}: the frames as one JSON array of strings. */
    static byte[] of(List<byte[]> frames) {
        byte[][] quoted = new byte[frames.size()][];
        int size = 3 + Math.max(0, frames.size() - 1) + 1; // a [ ] , … \n
        for (int i = 0; i < quoted.length; i++) {
            quoted[i] = quoted(frames.get(i));
            size += quoted[i].length;
        }
        byte[] line = new byte[size];
        line[0] = 'a';
        line[1] = '[';
        int at = 2;
        for (int i = 0; i < quoted.length; i++) {
            if (i > 0) {
                line[at++] = ',';
            }
            System.arraycopy(quoted[i], 0, line, at, quoted[i].length);
            at += quoted[i].length;
        }
        line[at++] = ']';
        line[at] = '\n';
        return line;
    }

    /** {@code frame} as a JSON string, from the cache when this very array was quoted lately. */
    static byte[] quoted(byte[] frame) {
        if (frame.length > CACHED_FRAME_BYTES) {
            return quote(frame);
        }
        int slot = System.identityHashCode(frame) & (SLOTS - 1);
        Quoted cached = CACHE.get(slot);
        if (cached != null && cached.frame == frame) {
            return cached.json;
        }
        byte[] json = quote(frame);
        CACHE.set(slot, new Quoted(frame, json));
        return json;
    }

    /** {@code text} (UTF-8) as a JSON string: quotes, backslashes and control characters escaped. */
    static byte[] quote(byte[] text) {
        int size = 2;
        for (byte b : text) {
            size += b == '"' || b == '\\' ? 2 : b >= 0 && b < 0x20 ? 6 : 1;
        }
        byte[] json = new byte[size];
        int at = 0;
        json[at++] = '"';
        for (byte b : text) {
            if (b == '"' || b == '\\') {
                json[at++] = '\\';
                json[at++] = b;
            } else if (b >= 0 && b < 0x20) {
                json[at++] = '\\';
                json[at++] = 'u';
                json[at++] = '0';
                json[at++] = '0';
                json[at++] = HEX[b >> 4];
                json[at++] = HEX[b & 0xF];
            } else {
                json[at++] = b;
            }
        }
        json[at] = '"';
        return json;
    }

    /** {@code text} as a JSON string. */
    static String quote(String text) {
        return new String(quote(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
