package dev.broadcast.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** How the fuzz tests read their input: UTF-8 text in lines, so that seeds are written by hand. */
final class FuzzInput {

    private FuzzInput() {
    }

    /**
     * The first {@code count - 1} lines of {@code input} and the rest as the last one, missing
     * ones empty; one newline at the very end is not part of the last line.
     */
    static String[] lines(byte[] input, int count) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return Arrays.stream(Arrays.copyOf(text.split("\n", count), count))
                .map(line -> line == null ? "" : line)
                .toArray(String[]::new);
    }
}
