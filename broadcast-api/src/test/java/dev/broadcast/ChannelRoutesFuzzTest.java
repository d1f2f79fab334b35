package dev.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fuzzes the channel-route template parser ({@link ChannelRoutes#channel}) and its matching.
 * Regression inputs: {@code src/test/resources/dev/broadcast/ChannelRoutesFuzzTestInputs/}; see
 * docs/fuzzing.md for the fuzzing runs.
 */
class ChannelRoutesFuzzTest {

    /** What a placeholder value may hold: a channel name's characters but '.'. */
    private static final String VALUE_CHARS = "ABCXYZabcxyz0189_-=@,;";
    private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A template read by the rules {@link ChannelRoutes#presence} documents, independently of the parser. */
    private sealed interface Part permits Literal, Placeholder {
    }

    private record Literal(String text) implements Part {
    }

    private record Placeholder(String name) implements Part {
    }

    /**
     * A fuzzed template is either refused at registration with an {@link IllegalArgumentException}
     * that quotes it, and only when it breaks a documented rule, or accepted as a route that
     * matches every private (and encrypted) name built from it with fuzzed parameter values: the
     * values it hands the authorizer rebuild that name, and are exactly the values used whenever
     * no value shares a character with the template's literal text. A presence name is never
     * matched by a channel route, and any other fuzzed name is either a decision or, when it is
     * not a channel name, an {@link IllegalArgumentException}.
     *
     * <p>The input is three lines: the template; the placeholder values, space-separated (a
     * leading {@code encrypted } builds a {@code private-encrypted-} name); another channel name.
     */
    @FuzzTest(maxDuration = "10s")
    void routeMatchesTheNamesBuiltFromItsTemplate(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", 3);
        String pattern = lines[0];
        String valueLine = lines.length > 1 ? lines[1] : "";
        String other = lines.length > 2 ? lines[2] : "";
        List<Map<String, String>> seen = new ArrayList<>();
        List<Part> parts = parse(pattern);
        ChannelRoutes<String> routes;
        try {
            routes = ChannelRoutes.<String>create().channel(pattern, (user, p) -> seen.add(p.asMap()));
        } catch (IllegalArgumentException refused) {
            String message = refused.getMessage();
            assertNotNull(message, "a refusal must say why");
            assertTrue(pattern.isEmpty() ? message.equals("Channel route pattern is empty")
                    : message.startsWith("Channel route '" + pattern + "'"), () -> "the refusal must quote the pattern: " + message);
            assertNull(parts, () -> "refused a well-formed pattern: " + message);
            return;
        }
        assertNotNull(parts, () -> "accepted a malformed pattern '" + pattern + "'");

        String prefix = valueLine.startsWith("encrypted ") ? "private-encrypted-" : "private-";
        String[] given = valueLine.split(" ");
        Map<String, String> values = new LinkedHashMap<>();
        StringBuilder base = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                base.append(literal.text());
            } else if (part instanceof Placeholder placeholder) {
                String value = value(values.size() < given.length ? given[values.size()] : "");
                values.put(placeholder.name(), value);
                base.append(value);
            }
        }
        String wire = prefix + base;
        ChannelType type = ChannelType.of(wire);
        // "private-" + "encrypted-x" is the encrypted channel "x": not a name built from this template
        if (wire.length() <= Channel.MAX_NAME_LENGTH && wire.substring(type.prefix().length()).contentEquals(base)) {
            Authorization answer = routes.authorize("ann", wire);
            assertTrue(answer.isAllowed(), () -> "'" + pattern + "' does not match " + wire + " built from " + values
                    + ": " + answer);
            Map<String, String> matched = seen.get(seen.size() - 1);
            assertEquals(base.toString(), render(parts, matched), () -> "the values " + matched + " do not rebuild " + wire);
            if (!sharesACharacter(values.values(), parts)) {
                assertEquals(values, matched, () -> "'" + pattern + "' on " + wire);
            }
            String presence = "presence-" + base;
            if (presence.length() <= Channel.MAX_NAME_LENGTH) {
                assertFalse(routes.authorize("ann", presence).isAllowed(), "a channel route matched " + presence);
            }
        }

        int before = seen.size();
        try {
            Authorization answer = routes.authorize("ann", other);
            assertNull(Channel.nameProblem(other), () -> "decided on an invalid channel name " + other);
            if (answer.isAllowed() && ChannelType.of(other) != ChannelType.PUBLIC) {
                assertEquals(before + 1, seen.size(), "allowed without asking the route");
                assertEquals(Channel.parse(other).baseName(), render(parts, seen.get(seen.size() - 1)));
            }
        } catch (IllegalArgumentException invalid) {
            assertTrue(Channel.nameProblem(other) != null || ChannelType.of(other).prefix().equals(other),
                    () -> "refused the valid channel name " + other + ": " + invalid.getMessage());
        }
    }

    /** {@code given} made a placeholder value: characters it may not hold replaced, never empty. */
    private static String value(String given) {
        if (given.isEmpty()) {
            return "v";
        }
        StringBuilder value = new StringBuilder(given.length());
        given.chars().forEach(c -> value.append(VALUE_CHARS.indexOf(c) >= 0 ? (char) c
                : VALUE_CHARS.charAt(c % VALUE_CHARS.length())));
        return value.toString();
    }

    /**
     * The parts of a pattern that follows every rule {@link ChannelRoutes#presence} documents, or
     * null when it breaks one.
     */
    private static List<Part> parse(String pattern) {
        if (pattern.isEmpty() || ChannelType.of(pattern) != ChannelType.PUBLIC) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder blanked = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            int open = pattern.indexOf('{', i);
            int end = open < 0 ? pattern.length() : open;
            String literal = pattern.substring(i, end);
            if (literal.indexOf('}') >= 0) {
                return null;
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal));
                blanked.append(literal);
            }
            if (open < 0) {
                break;
            }
            int close = pattern.indexOf('}', open);
            if (close < 0) {
                return null;
            }
            String name = pattern.substring(open + 1, close);
            boolean repeated = parts.stream().anyMatch(p -> p.equals(new Placeholder(name)));
            boolean adjacent = !parts.isEmpty() && parts.get(parts.size() - 1) instanceof Placeholder;
            if (!PLACEHOLDER_NAME.matcher(name).matches() || repeated || adjacent) {
                return null;
            }
            parts.add(new Placeholder(name));
            blanked.append("x".repeat(close + 1 - open));
            i = close + 1;
        }
        return Channel.nameProblem(blanked.toString()) == null ? parts : null;
    }

    private static String render(List<Part> parts, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Placeholder placeholder) {
                String value = values.get(placeholder.name());
                if (value == null) {
                    fail("no value for {" + placeholder.name() + "} in " + values);
                }
                out.append(value);
            }
        }
        return out.toString();
    }

    private static boolean sharesACharacter(Iterable<String> values, List<Part> parts) {
        StringBuilder literals = new StringBuilder();
        parts.stream().filter(Literal.class::isInstance).forEach(p -> literals.append(((Literal) p).text()));
        for (String value : values) {
            for (char c : value.toCharArray()) {
                if (literals.indexOf(String.valueOf(c)) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
