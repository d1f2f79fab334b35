package dev.broadcast.testing;

import static dev.broadcast.testing.RouteAssertions.assertAuthorized;
import static dev.broadcast.testing.RouteAssertions.assertDenied;
import static dev.broadcast.testing.RouteAssertions.assertMember;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class RouteAssertionsTest {

    record User(long id, String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final User ANN = new User(1, "Ann");
    static final User BOB = new User(2, "Bob");

    static final ChannelRoutes<User> ROUTES = ChannelRoutes.<User>create()
            .channel("orders.{owner}", (user, p) -> user.id() == p.getLong("owner"))
            .presence("chat.{room}", (user, p) -> user.id() == 1
                    ? Authorization.member(user.id(), Map.of("name", user.name()))
                    : Authorization.deny("Bob is not in room " + p.get("room")));

    @Test
    void assertAuthorizedReturnsTheAnswerAndFailsWithTheRoutesReason() {
        assertEquals(Authorization.allow(), assertAuthorized(ROUTES, ANN, "private-orders.1"));
        assertEquals(Authorization.member(1L, Map.of("name", "Ann")), assertAuthorized(ROUTES, ANN, "presence-chat.9"));
        assertEquals(Authorization.allow(), assertAuthorized(ROUTES, BOB, "news"), "public channels are open to all");

        AssertionFailedError denied = assertThrows(AssertionFailedError.class,
                () -> assertAuthorized(ROUTES, BOB, "private-orders.1"));
        assertEquals("Expected Bob to be authorized for private-orders.1, but: "
                + "Channel route 'orders.{owner}' denied private-orders.1", denied.getMessage());
        assertEquals("allowed", denied.getExpected().getValue());

        AssertionFailedError noRoute = assertThrows(AssertionFailedError.class,
                () -> assertAuthorized(ROUTES, ANN, "private-invoices.1"));
        assertEquals("Expected Ann to be authorized for private-invoices.1, but: "
                + "No channel route matches 'invoices.1' (channel private-invoices.1)", noRoute.getMessage());
    }

    @Test
    void assertDeniedPassesOnRefusalsAndFailsWithWhatTheRoutesAnswered() {
        assertDenied(ROUTES, BOB, "private-orders.1");
        assertDenied(ROUTES, BOB, "presence-chat.9");
        assertDenied(ROUTES, ANN, "private-invoices.1");

        AssertionFailedError allowed = assertThrows(AssertionFailedError.class,
                () -> assertDenied(ROUTES, ANN, "private-orders.1"));
        assertEquals("Expected Ann to be denied private-orders.1, but the routes answered Allowed", allowed.getMessage());
        AssertionFailedError member = assertThrows(AssertionFailedError.class,
                () -> assertDenied(ROUTES, ANN, "presence-chat.9"));
        assertEquals("Expected Ann to be denied presence-chat.9, but the routes answered Member[userId=1, userInfo={name=Ann}]",
                member.getMessage());
        assertEquals("denied", member.getExpected().getValue());
    }

    @Test
    void assertMemberChecksTheMembersIdAndFailsOnAnotherIdOrADenial() {
        Authorization.Member ann = assertMember(ROUTES, ANN, "presence-chat.9", "1");
        assertEquals(Map.of("name", "Ann"), ann.userInfo());

        AssertionFailedError otherId = assertThrows(AssertionFailedError.class,
                () -> assertMember(ROUTES, ANN, "presence-chat.9", "7"));
        assertEquals("Expected Ann to join presence-chat.9 as member 7, but the routes answered "
                + "Member[userId=1, userInfo={name=Ann}]", otherId.getMessage());
        assertEquals("member 7", otherId.getExpected().getValue());

        AssertionFailedError notAMember = assertThrows(AssertionFailedError.class,
                () -> assertMember(ROUTES, ANN, "private-orders.1", "1"));
        assertEquals("Expected Ann to join private-orders.1 as member 1, but the routes answered Allowed",
                notAMember.getMessage());

        AssertionFailedError denied = assertThrows(AssertionFailedError.class,
                () -> assertMember(ROUTES, BOB, "presence-chat.9", "2"));
        assertEquals("Expected Bob to join presence-chat.9 as member 2, but the routes denied it: Bob is not in room 9",
                denied.getMessage());
    }
}
