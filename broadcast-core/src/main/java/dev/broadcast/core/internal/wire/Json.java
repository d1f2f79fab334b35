package dev.broadcast.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The one JSON reader for untrusted input, bounded against JSON bombs, and string quoting. */
public final class Json {

    /** Nesting deeper than this is refused before it can exhaust the stack. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(100)
                    .maxNameLength(1000)
                    .build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private Json() {
    }

    /** Parses one JSON document; anything else (trailing tokens, duplicates, too deep) is an error. */
    public static JsonNode parse(String text) throws IOException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new IOException("empty document");
        }
        return node;
    }

    /** Parses bytes as UTF-8 JSON, with the same rules as {@link #parse(String)}. */
    public static JsonNode parse(byte[] utf8) throws IOException {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    /** The node as compact JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code value} (a map, record, bean, string, number…) as a JSON tree, serialized with
     * Jackson's defaults.
     *
     * @throws IllegalArgumentException if Jackson cannot serialize it
     */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(String value) {
        return appendQuoted(new StringBuilder(value.length() + 2), value).toString();
    }

    /** Appends {@code value} as a JSON string literal, escaping straight into {@code out}. */
    public static StringBuilder appendQuoted(StringBuilder out, String value) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, out);
        return out.append('"');
    }

    /**
     * The value of the top-level field {@code field} of the JSON object {@code text}, exactly as
     * written there (numbers, escapes and whitespace inside it untouched), or null when the
     * field is absent. For relaying what a client sent without re-serializing it: a tree would
     * turn {@code 1e999999} into {@code Infinity} and {@code 1E2} into {@code 100.0}.
     *
     * @param text a document {@link #parse} accepted
     */
    public static String rawField(String text, String field) {
        try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = field.equals(parser.currentName());
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                parser.finishToken(); // a string's end is read lazily
                if (wanted) {
                    return text.substring(start, (int) parser.currentLocation().getCharOffset());
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parse accepted it already
        }
    }

    /** The text of a string node, or null when the node is absent or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** UTF-8 length of {@code s} without allocating the encoded bytes. */
    public static int utf8Length(CharSequence s) {
        int length = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

}
