package dev.broadcast;

/**
 * Decides whether a user may join a presence channel matched by a route, and as which member:
 * returns {@link Authorization#member(Object, Object)} or {@link Authorization#deny()}.
 *
 * @param <U> the application's user type
 */
@FunctionalInterface
public interface PresenceAuthorizer<U> {
    Authorization authorize(U user, RouteParameters parameters);
}
