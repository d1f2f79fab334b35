package dev.broadcast;

import dev.broadcast.internal.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may subscribe to which private and presence channels: Laravel's {@code routes/channels.php}.
 * Patterns match the channel name <em>without</em> its type prefix, so {@code orders.{orderId}}
 * matches {@code private-orders.5} (and {@code private-encrypted-orders.5}); a placeholder matches
 * one or more characters other than {@code .}.
 *
 * <pre>{@code
 * ChannelRoutes<User> routes = ChannelRoutes.<User>create()
 *     .channel("user.{id}", (user, p) -> user.id() == p.getLong("id"))
 *     .presence("chat.{roomId}", (user, p) -> rooms.isMember(user, p.get("roomId"))
 *         ? Authorization.member(user.id(), Map.of("name", user.name()))
 *         : Authorization.deny());
 * }</pre>
 *
 * <p>Immutable: {@link #channel} and {@link #presence} return a new table, so a finished table is
 * safe to share between threads. Routes are tried in the order they were added.
 *
 * @param <U> the application's user type
 */
public final class ChannelRoutes<U> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<Route<U>> routes;

    private record Route<U>(String pattern, Pattern regex, List<String> names,
            ChannelAuthorizer<U> channel, PresenceAuthorizer<U> presence) {
    }

    private ChannelRoutes(List<Route<U>> routes) {
        this.routes = List.copyOf(routes);
    }

    /** An empty table: every private and presence channel is denied. */
    public static <U> ChannelRoutes<U> create() {
        return new ChannelRoutes<>(List.of());
    }

    /**
     * Adds a route for private and encrypted private channels.
     *
     * @throws IllegalArgumentException if the pattern is malformed (see {@link #presence})
     */
    public ChannelRoutes<U> channel(String pattern, ChannelAuthorizer<U> authorizer) {
        Objects.requireNonNull(authorizer, "authorizer");
        return with(compile(pattern, authorizer, null));
    }

    /**
     * Adds a route for presence channels.
     *
     * @throws IllegalArgumentException if the pattern is empty, starts with a type prefix (the
     *                                  message names the pattern to use instead), has an empty,
     *                                  malformed or repeated placeholder name, two placeholders
     *                                  with nothing between them, unbalanced braces, or characters
     *                                  not allowed in channel names (the message gives the position)
     */
    public ChannelRoutes<U> presence(String pattern, PresenceAuthorizer<U> authorizer) {
        Objects.requireNonNull(authorizer, "authorizer");
        return with(compile(pattern, null, authorizer));
    }

    /**
     * Decides for {@code user} on {@code channelName} (the full wire name, prefix included).
     * Public channels are always allowed. A private channel is allowed when the first matching
     * route says so; a presence channel answers the first matching presence route's member or
     * denial. No matching route is a denial that names the channel.
     *
     * @throws IllegalArgumentException if {@code channelName} is not a valid channel name, or a
     *                                  route reads a parameter wrongly (see {@link RouteParameters})
     * @throws IllegalStateException    if a presence route returns something other than a member
     *                                  or a denial
     */
    public Authorization authorize(U user, String channelName) {
        Channel channel = Channel.parse(channelName);
        ChannelType type = channel.type();
        if (type == ChannelType.PUBLIC) {
            return Authorization.allow();
        }
        String name = channel.baseName();
        for (Route<U> route : routes) {
            boolean presenceRoute = route.presence() != null;
            if (presenceRoute != (type == ChannelType.PRESENCE)) {
                continue;
            }
            Matcher matcher = route.regex().matcher(name);
            if (!matcher.matches()) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < route.names().size(); i++) {
                values.put(route.names().get(i), matcher.group(i + 1));
            }
            RouteParameters parameters = new RouteParameters(route.pattern(), values);
            if (!presenceRoute) {
                return route.channel().authorize(user, parameters)
                        ? Authorization.allow()
                        : Authorization.deny("Channel route '" + route.pattern() + "' denied " + channelName);
            }
            Authorization answer = route.presence().authorize(user, parameters);
            if (answer instanceof Authorization.Member || answer instanceof Authorization.Denied) {
                return answer;
            }
            throw new IllegalStateException("Presence route '" + route.pattern() + "' must return "
                    + "Authorization.member(...) or Authorization.deny(), not " + answer);
        }
        return Authorization.deny("No " + (type == ChannelType.PRESENCE ? "presence" : "channel")
                + " route matches '" + name + "' (channel " + channelName + ")");
    }

    private ChannelRoutes<U> with(Route<U> route) {
        List<Route<U>> next = new ArrayList<>(routes);
        next.add(route);
        return new ChannelRoutes<>(next);
    }

    private static <U> Route<U> compile(String pattern, ChannelAuthorizer<U> channel,
            PresenceAuthorizer<U> presence) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("Channel route pattern is empty");
        }
        ChannelType prefixed = ChannelType.of(pattern);
        if (prefixed != ChannelType.PUBLIC) {
            throw new IllegalArgumentException("Channel route '" + pattern + "' starts with the prefix '"
                    + prefixed.prefix() + "'; patterns match the name without it: use '"
                    + pattern.substring(prefixed.prefix().length()) + "'");
        }
        Template template;
        try {
            template = Template.parse(pattern);
        } catch (Template.Problem problem) {
            int at = problem.index();
            throw new IllegalArgumentException("Channel route '" + pattern + "': " + switch (problem.fault()) {
                case STRAY_CLOSE -> "'}' at " + at + " closes no placeholder";
                case UNCLOSED -> "'{' at " + at + " is not closed by a '}'";
                case EMPTY -> "placeholder {} at " + at + " has no name";
            });
        }
        StringBuilder regex = new StringBuilder();
        // the pattern with every placeholder blanked out, so the name rule reports true positions
        StringBuilder blanked = new StringBuilder(pattern.length());
        List<String> names = new ArrayList<>();
        Template.Part previous = null;
        for (Template.Part part : template.parts()) {
            if (part instanceof Template.Literal literal) {
                regex.append(Pattern.quote(literal.text()));
                blanked.append(literal.text());
            } else if (part instanceof Template.Placeholder placeholder) {
                String name = placeholder.name();
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("Channel route '" + pattern + "': placeholder {" + name
                            + "} needs a name of letters, digits and _ that does not start with a digit");
                }
                if (names.contains(name)) {
                    throw new IllegalArgumentException("Channel route '" + pattern + "': placeholder {" + name
                            + "} appears twice");
                }
                if (previous instanceof Template.Placeholder) {
                    throw new IllegalArgumentException("Channel route '" + pattern + "': placeholders {"
                            + names.get(names.size() - 1) + "} and {" + name
                            + "} need literal text between them, or where one ends is ambiguous");
                }
                regex.append("([^.]+)");
                names.add(name);
                blanked.append("x".repeat(placeholder.end() - placeholder.start()));
            }
            previous = part;
        }
        String problem = Channel.nameProblem(blanked.toString());
        if (problem != null) {
            throw new IllegalArgumentException("Channel route '" + pattern + "': " + problem);
        }
        return new Route<>(pattern, Pattern.compile(regex.toString()), List.copyOf(names), channel, presence);
    }
}
