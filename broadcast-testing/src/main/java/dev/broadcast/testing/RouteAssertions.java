package dev.broadcast.testing;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import java.util.Objects;
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

    /** The routes let {@code user} subscribe to {@code channel} (a plain subscriber or a member). */
    public static <U> Authorization assertAuthorized(ChannelRoutes<U> routes, U user, String channel) {
        Authorization answer = routes.authorize(user, channel);
        if (!answer.isAllowed()) {
            throw new AssertionFailedError("Expected " + user + " to be authorized for " + channel + ", but: "
                    + ((Authorization.Denied) answer).reason(), "allowed", answer.toString());
        }
        return answer;
    }

    /** The routes refuse {@code user} on {@code channel}. */
    public static <U> void assertDenied(ChannelRoutes<U> routes, U user, String channel) {
        Authorization answer = routes.authorize(user, channel);
        if (answer.isAllowed()) {
            throw new AssertionFailedError("Expected " + user + " to be denied " + channel + ", but the routes answered "
                    + answer, "denied", answer.toString());
        }
    }

    /** The routes let {@code user} join the presence {@code channel} as member {@code userId}. */
    public static <U> Authorization.Member assertMember(ChannelRoutes<U> routes, U user, String channel, String userId) {
        Authorization answer = assertAuthorized(routes, user, channel);
        if (!(answer instanceof Authorization.Member member) || !Objects.equals(member.userId(), userId)) {
            throw new AssertionFailedError("Expected " + user + " to join " + channel + " as member " + userId
                    + ", but the routes answered " + answer, "member " + userId, answer.toString());
        }
        return member;
    }
}
