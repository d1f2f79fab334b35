package dev.broadcast;

/**
 * Decides whether a user may subscribe to a private (or encrypted private) channel matched by a
 * route, e.g. {@code (user, p) -> user.id() == p.getLong("id")}.
 *
 * @param <U> the application's user type
 */
@FunctionalInterface
public interface ChannelAuthorizer<U> {
    boolean authorize(U user, RouteParameters parameters);
}
