package dev.broadcast;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values a channel route's {@code {placeholders}} matched: for the route
 * {@code orders.{orderId}} and the channel {@code private-orders.5}, {@code get("orderId")} is
 * {@code "5"}. Asking for a name the route does not have, or converting a value that is not of
 * the type asked for, throws {@link IllegalArgumentException} that says which.
 */
public final class RouteParameters {

    private final String route;
    private final Map<String, String> values;

    RouteParameters(String route, Map<String, String> values) {
        this.route = route;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The value of {@code name}: one or more characters, never containing {@code .}.
     *
     * @throws IllegalArgumentException if the route has no parameter {@code name}; the message
     *                                  lists the ones it has
     */
    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Channel route '" + route + "' has no parameter '" + name
                    + "'; it has " + values.keySet());
        }
        return value;
    }

    /**
     * The value of {@code name} as a long.
     *
     * @throws IllegalArgumentException if the route has no such parameter, or the value is not a
     *                                  whole number or out of the long range
     */
    public long getLong(String name) {
        String value = get(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            String what = value.matches("-?[0-9]+") ? "out of the long range" : "not a whole number";
            throw new IllegalArgumentException("Route parameter '" + name + "' is '" + value + "', " + what
                    + " (route '" + route + "')", e);
        }
    }

    /**
     * The value of {@code name} as an int.
     *
     * @throws IllegalArgumentException if the route has no such parameter, or the value is not a
     *                                  whole number or out of the int range
     */
    public int getInt(String name) {
        long value = getLong(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Route parameter '" + name + "' is " + value
                    + ", out of the int range (route '" + route + "')");
        }
        return (int) value;
    }

    /** Every parameter, in the order of the route. */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
