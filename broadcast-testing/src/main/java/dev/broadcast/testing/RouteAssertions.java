package dev.broadcast.testing;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import org.opentest4j.AssertionFailedError;

/**
 * Checks a {@link ChannelRoutes} table without a server: the real routes decide, exactly as the
 * auth endpoint would ask them.
 *
 * <pre>{@code
 * assertAuthorized(routes, alice, "private-orders.5");
 * assertDenied(routes, bob, "private-orders.5");
 * assertMember(routes, alice, "presence-chat.1", "7");
 * }</pre>
 */
public final class RouteAssertions {

    private RouteAssertions() {
    }

    /**
     * Asserts the routes let {@code user} subscribe to {@code channel} (the full name, prefix
     * included), as a plain subscriber or as a presence member. Public channels always pass.
     *
     * @return the routes' answer: allowed, or the member
     * @throws AssertionFailedError with the reason the routes gave for the denial
     */
    public static <U> Authorization assertAuthorized(ChannelRoutes<U> routes, U user, String channel) {
        Authorization answer = routes.authorize(user, channel);
        if (answer instanceof Authorization.Denied denied) {
            throw new AssertionFailedError("Expected " + user + " to be authorized for " + channel + ", but: "
                    + denied.reason(), "allowed", answer.toString());
        }
        return answer;
    }

    /**
     * Asserts the routes refuse {@code user} on {@code channel} (the full name, prefix included).
     *
     * @throws AssertionFailedError naming what the routes answered instead
     */
    public static <U> void assertDenied(ChannelRoutes<U> routes, U user, String channel) {
        Authorization answer = routes.authorize(user, channel);
        if (answer.isAllowed()) {
            throw new AssertionFailedError("Expected " + user + " to be denied " + channel + ", but the routes answered "
                    + answer, "denied", answer.toString());
        }
    }

    /**
     * Asserts the routes let {@code user} join the presence {@code channel} as member {@code userId}.
     *
     * @return the member, to check its {@code userInfo}
     * @throws AssertionFailedError naming what the routes answered instead, or the reason they gave
     *                              for the denial
     */
    public static <U> Authorization.Member assertMember(ChannelRoutes<U> routes, U user, String channel, String userId) {
        Authorization answer = routes.authorize(user, channel);
        if (answer instanceof Authorization.Member member && member.userId().equals(userId)) {
            return member;
        }
        String actual = answer instanceof Authorization.Denied denied ? "the routes denied it: " + denied.reason()
                : "the routes answered " + answer;
        throw new AssertionFailedError("Expected " + user + " to join " + channel + " as member " + userId + ", but "
                + actual, "member " + userId, answer.toString());
    }
}
