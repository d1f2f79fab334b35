package dev.broadcast.spring.boot;

/** Checks the path properties once, with a message that names the property. */
final class Paths {

    private Paths() {
    }

    /** Empty, or starting with {@code /} and not ending with one. */
    static String prefix(String property, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return route(property, value);
    }

    /** Starting with {@code /}, not ending with one, no wildcards. */
    static String route(String property, String value) {
        if (value == null || !value.startsWith("/") || value.endsWith("/") || value.contains("*")
                || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalStateException(property + " must start with / and not end with one, without * or spaces"
                    + " (e.g. /broadcasting/auth), but is '" + value + "'");
        }
        return value;
    }
}
