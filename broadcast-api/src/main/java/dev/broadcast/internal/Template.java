package dev.broadcast.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel-name template: literal text and {@code {placeholders}}, as in {@code orders.{orderId}}.
 * The one parser of the syntax, shared by {@link dev.broadcast.ChannelRoutes} (route patterns) and
 * the core's event resolution ({@code @BroadcastOn} values); each checks its placeholder names by
 * its own rules and words the problems for its own users. Not part of the API: exported to
 * {@code dev.broadcast.core} only.
 *
 * @param parts literal text and placeholders in order; two literals are never adjacent
 */
public record Template(List<Part> parts) {

    /** One piece of a template. */
    public sealed interface Part permits Literal, Placeholder {
        /** Where the piece starts in the template (for a placeholder, its '{'). */
        int start();
    }

    /** Literal text. */
    public record Literal(String text, int start) implements Part {
    }

    /**
     * A placeholder: the text between the braces (never empty, never holding a brace).
     *
     * @param end the index just past its '}'
     */
    public record Placeholder(String name, int start, int end) implements Part {
    }

    /** What is wrong with a template's braces. */
    public enum Fault {
        /** A '}' that closes no placeholder. */
        STRAY_CLOSE,
        /** A '{' with no '}' before the end or the next '{'. */
        UNCLOSED,
        /** {@code {}}. */
        EMPTY
    }

    /** A template whose braces do not balance; {@code index} is where the fault is. */
    public static final class Problem extends IllegalArgumentException {
        private final Fault fault;
        private final int index;

        Problem(Fault fault, int index) {
            super(fault + " at " + index);
            this.fault = fault;
            this.index = index;
        }

        public Fault fault() {
            return fault;
        }

        public int index() {
            return index;
        }
    }

    public Template {
        parts = List.copyOf(parts);
    }

    /**
     * Parses {@code text} left to right.
     *
     * @throws Problem at the first brace fault
     */
    public static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        int literalStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '}') {
                throw new Problem(Fault.STRAY_CLOSE, i);
            }
            if (c != '{') {
                continue;
            }
            int close = text.indexOf('}', i + 1);
            int reopen = text.indexOf('{', i + 1);
            if (close < 0 || (reopen >= 0 && reopen < close)) {
                throw new Problem(Fault.UNCLOSED, i);
            }
            if (close == i + 1) {
                throw new Problem(Fault.EMPTY, i);
            }
            if (literalStart < i) {
                parts.add(new Literal(text.substring(literalStart, i), literalStart));
            }
            parts.add(new Placeholder(text.substring(i + 1, close), i, close + 1));
            i = close;
            literalStart = close + 1;
        }
        if (literalStart < text.length()) {
            parts.add(new Literal(text.substring(literalStart), literalStart));
        }
        return new Template(parts);
    }
}
