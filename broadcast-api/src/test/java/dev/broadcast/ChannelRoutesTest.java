package dev.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelRoutesTest {

    private record User(long id, String name) {
    }

    private static final User ANN = new User(5, "Ann");

    private static final ChannelRoutes<User> ROUTES = ChannelRoutes.<User>create()
            .channel("orders.{orderId}", (user, p) -> user.id() == p.getLong("orderId"))
            .presence("chat.{roomId}", (user, p) -> p.get("roomId").equals("lobby")
                    ? Authorization.member(user.id(), Map.of("name", user.name()))
                    : Authorization.deny("not in room " + p.get("roomId")));

    private static String denial(Authorization answer) {
        return ((Authorization.Denied) answer).reason();
    }

    private static IllegalArgumentException badPattern(String pattern) {
        return assertThrows(IllegalArgumentException.class, () -> ChannelRoutes.<User>create().channel(pattern, (u, p) -> true));
    }

    @Nested
    class Matching {

        @Test
        void privateChannelIsMatchedWithoutItsPrefix() {
            assertSame(Authorization.allow(), ROUTES.authorize(ANN, "private-orders.5"));
            assertEquals("Channel route 'orders.{orderId}' denied private-orders.6",
                    denial(ROUTES.authorize(ANN, "private-orders.6")));
        }

        @Test
        void encryptedPrivateChannelIsMatchedByChannelRoutes() {
            assertSame(Authorization.allow(), ROUTES.authorize(ANN, "private-encrypted-orders.5"));
            assertFalse(ROUTES.authorize(ANN, "private-encrypted-orders.6").isAllowed());
        }

        @Test
        void presenceChannelIsMatchedOnlyByPresenceRoutes() {
            assertEquals("No presence route matches 'orders.5' (channel presence-orders.5)",
                    denial(ROUTES.authorize(ANN, "presence-orders.5")));
            assertEquals("No channel route matches 'chat.lobby' (channel private-chat.lobby)",
                    denial(ROUTES.authorize(ANN, "private-chat.lobby")));
            assertEquals("No channel route matches 'chat.lobby' (channel private-encrypted-chat.lobby)",
                    denial(ROUTES.authorize(ANN, "private-encrypted-chat.lobby")));
        }

        @Test
        void presenceRouteAnswersTheMemberOrItsDenial() {
            assertEquals(new Authorization.Member("5", Map.of("name", "Ann")), ROUTES.authorize(ANN, "presence-chat.lobby"));
            assertEquals("not in room kitchen", denial(ROUTES.authorize(ANN, "presence-chat.kitchen")));
        }

        @Test
        void publicChannelsAreAlwaysAllowed() {
            assertSame(Authorization.allow(), ChannelRoutes.<User>create().authorize(ANN, "orders"));
            assertSame(Authorization.allow(), ChannelRoutes.<User>create().authorize(null, "cache-orders.5"));
        }

        @Test
        void anEmptyTableDeniesEveryPrivateAndPresenceChannel() {
            ChannelRoutes<User> none = ChannelRoutes.create();
            assertEquals("No channel route matches 'orders.5' (channel private-orders.5)",
                    denial(none.authorize(ANN, "private-orders.5")));
            assertEquals("No presence route matches 'chat.1' (channel presence-chat.1)",
                    denial(none.authorize(ANN, "presence-chat.1")));
        }

        @Test
        void firstMatchingRouteWins() {
            List<String> asked = new ArrayList<>();
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("orders.{id}", (u, p) -> asked.add("specific") && false)
                    .channel("orders.{anything}", (u, p) -> asked.add("general"));
            assertEquals("Channel route 'orders.{id}' denied private-orders.5", denial(routes.authorize(ANN, "private-orders.5")));
            assertEquals(List.of("specific"), asked);
        }

        @Test
        void routesAreTriedInOrderUntilOneMatches() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("users.{id}", (u, p) -> false)
                    .channel("orders.{id}", (u, p) -> true);
            assertSame(Authorization.allow(), routes.authorize(ANN, "private-orders.5"));
        }

        @Test
        void placeholderMatchesOneOrMoreCharactersOtherThanDot() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("user.{id}", (u, p) -> true);
            assertSame(Authorization.allow(), routes.authorize(ANN, "private-user.a-b_c=d@e,f;g"));
            assertFalse(routes.authorize(ANN, "private-user.1.2").isAllowed());
            assertFalse(routes.authorize(ANN, "private-user.").isAllowed());
        }

        @Test
        void literalTextIsMatchedLiterallyAndWhole() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("a.b", (u, p) -> true);
            assertSame(Authorization.allow(), routes.authorize(ANN, "private-a.b"));
            assertFalse(routes.authorize(ANN, "private-axb").isAllowed(), "'.' is not a regex wildcard");
            assertFalse(routes.authorize(ANN, "private-a.bc").isAllowed());
            assertFalse(routes.authorize(ANN, "private-za.b").isAllowed());
        }

        @Test
        void placeholdersMaySitAnywhereInASegment() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("team-{team}.board_{board}", (u, p) -> p.get("team").equals("red") && p.getInt("board") == 3);
            assertSame(Authorization.allow(), routes.authorize(ANN, "private-team-red.board_3"));
        }

        @Test
        void addingARouteLeavesTheOriginalTableUnchanged() {
            ChannelRoutes<User> empty = ChannelRoutes.create();
            ChannelRoutes<User> one = empty.channel("orders.{id}", (u, p) -> true);
            assertFalse(empty.authorize(ANN, "private-orders.1").isAllowed());
            assertTrue(one.authorize(ANN, "private-orders.1").isAllowed());
        }

        @Test
        void theAuthorizerGetsTheUserAndEveryParameterInPatternOrder() {
            List<Object> seen = new ArrayList<>();
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("shop.{shopId}.order.{orderId}", (u, p) -> seen.add(u) && seen.add(p.asMap()));
            routes.authorize(ANN, "private-shop.s1.order.42");
            assertEquals(List.of(ANN, Map.of("shopId", "s1", "orderId", "42")), seen);
        }
    }

    @Nested
    class TypedParameters {

        private Object read(String pattern, String channel, java.util.function.Function<RouteParameters, Object> read) {
            Object[] value = new Object[1];
            ChannelRoutes.<User>create().channel(pattern, (u, p) -> {
                value[0] = read.apply(p);
                return true;
            }).authorize(ANN, channel);
            return value[0];
        }

        @Test
        void getLongAndGetIntConvertWholeNumbers() {
            assertEquals(9_000_000_000L, read("user.{id}", "private-user.9000000000", p -> p.getLong("id")));
            assertEquals(-7L, read("user.{id}", "private-user.-7", p -> p.getLong("id")));
            assertEquals(2_147_483_647, read("user.{id}", "private-user.2147483647", p -> p.getInt("id")));
            assertEquals(-2_147_483_648, read("user.{id}", "private-user.-2147483648", p -> p.getInt("id")));
            assertEquals("007", read("user.{id}", "private-user.007", p -> p.get("id")));
            assertEquals(7, read("user.{id}", "private-user.007", p -> p.getInt("id")));
        }

        @Test
        void parametersAreReadOnly() {
            assertThrows(UnsupportedOperationException.class,
                    () -> read("user.{id}", "private-user.1", p -> p.asMap().put("id", "2")));
        }
    }

    @Nested
    class Failures {

        @Test
        void emptyPattern() {
            assertEquals("Channel route pattern is empty", badPattern("").getMessage());
            assertEquals("Channel route pattern is empty", badPattern(null).getMessage());
        }

        @ParameterizedTest
        @CsvSource({
            "private-orders.{id}, private-, orders.{id}",
            "private-encrypted-vault.{id}, private-encrypted-, vault.{id}",
            "presence-chat.{roomId}, presence-, chat.{roomId}",
        })
        void patternWithAPrefixSuggestsThePatternWithout(String pattern, String prefix, String suggested) {
            assertEquals("Channel route '" + pattern + "' starts with the prefix '" + prefix
                    + "'; patterns match the name without it: use '" + suggested + "'", badPattern(pattern).getMessage());
            assertEquals("Channel route '" + pattern + "' starts with the prefix '" + prefix
                            + "'; patterns match the name without it: use '" + suggested + "'",
                    assertThrows(IllegalArgumentException.class, () -> ChannelRoutes.<User>create()
                            .presence(pattern, (u, p) -> Authorization.deny())).getMessage());
        }

        @ParameterizedTest
        @CsvSource({
            "orders.{1id}, 1id",
            "orders.{order-id}, order-id",
            "orders.{order id}, order id",
            "orders.{é}, é",
        })
        void badPlaceholderName(String pattern, String name) {
            assertEquals("Channel route '" + pattern + "': placeholder {" + name
                    + "} needs a name of letters, digits and _ that does not start with a digit", badPattern(pattern).getMessage());
        }

        @Test
        void emptyPlaceholder() {
            assertEquals("Channel route 'orders.{}': placeholder {} at 7 has no name", badPattern("orders.{}").getMessage());
        }

        @Test
        void repeatedPlaceholder() {
            assertEquals("Channel route 'a.{id}.b.{id}': placeholder {id} appears twice", badPattern("a.{id}.b.{id}").getMessage());
        }

        @Test
        void placeholdersWithNothingBetweenThem() {
            assertEquals("Channel route 'file.{name}{ext}': placeholders {name} and {ext} need literal text between them,"
                    + " or where one ends is ambiguous", badPattern("file.{name}{ext}").getMessage());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "orders.{id| '{' at 7 is not closed by a '}'",
            "orders.{{id}}| '{' at 7 is not closed by a '}'",
            "orders.{a.{b}| '{' at 7 is not closed by a '}'",
            "orders.id}| '}' at 9 closes no placeholder",
            "orders.{id}}| '}' at 11 closes no placeholder",
            "}| '}' at 0 closes no placeholder",
        })
        void unbalancedBraces(String pattern, String problem) {
            assertEquals("Channel route '" + pattern + "': " + problem, badPattern(pattern).getMessage());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "orders/{id}| '/' at 6",
            "orders.{id}/x| '/' at 11",
            "orders.{id}.é| 'é' at 12",
            "#server-to-user-{id}| '#' at 0",
            "orders {id}| ' ' at 6",
        })
        void charactersNotAllowedInChannelNames(String pattern, String found) {
            assertEquals("Channel route '" + pattern + "': Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found "
                    + found + ")", badPattern(pattern).getMessage());
        }

        @Test
        void nullAuthorizer() {
            assertEquals("authorizer", assertThrows(NullPointerException.class,
                    () -> ChannelRoutes.<User>create().channel("a", null)).getMessage());
            assertEquals("authorizer", assertThrows(NullPointerException.class,
                    () -> ChannelRoutes.<User>create().presence("a", null)).getMessage());
        }

        @Test
        void unknownParameterName() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create()
                    .channel("shop.{shopId}.order.{orderId}", (u, p) -> p.get("id").isEmpty());
            assertEquals("Channel route 'shop.{shopId}.order.{orderId}' has no parameter 'id'; it has [shopId, orderId]",
                    assertThrows(IllegalArgumentException.class, () -> routes.authorize(ANN, "private-shop.1.order.2")).getMessage());
        }

        @Test
        void nonNumericGetLong() {
            assertEquals("Route parameter 'orderId' is 'abc', not a whole number (route 'orders.{orderId}')",
                    assertThrows(IllegalArgumentException.class, () -> ROUTES.authorize(ANN, "private-orders.abc")).getMessage());
            assertEquals("Route parameter 'orderId' is '1e3', not a whole number (route 'orders.{orderId}')",
                    assertThrows(IllegalArgumentException.class, () -> ROUTES.authorize(ANN, "private-orders.1e3")).getMessage());
        }

        @Test
        void longOverflowInGetLong() {
            assertEquals("Route parameter 'orderId' is '9223372036854775808', out of the long range (route 'orders.{orderId}')",
                    assertThrows(IllegalArgumentException.class,
                            () -> ROUTES.authorize(ANN, "private-orders.9223372036854775808")).getMessage());
        }

        @Test
        void intOverflowInGetInt() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create().channel("page.{n}", (u, p) -> p.getInt("n") > 0);
            assertEquals("Route parameter 'n' is 2147483648, out of the int range (route 'page.{n}')",
                    assertThrows(IllegalArgumentException.class, () -> routes.authorize(ANN, "private-page.2147483648")).getMessage());
            assertEquals("Route parameter 'n' is -2147483649, out of the int range (route 'page.{n}')",
                    assertThrows(IllegalArgumentException.class, () -> routes.authorize(ANN, "private-page.-2147483649")).getMessage());
            assertEquals("Route parameter 'n' is 'x', not a whole number (route 'page.{n}')",
                    assertThrows(IllegalArgumentException.class, () -> routes.authorize(ANN, "private-page.x")).getMessage());
        }

        @Test
        void presenceRouteReturningAllow() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create().presence("chat.{id}", (u, p) -> Authorization.allow());
            assertEquals("Presence route 'chat.{id}' must return Authorization.member(...) or Authorization.deny(), not Allowed",
                    assertThrows(IllegalStateException.class, () -> routes.authorize(ANN, "presence-chat.1")).getMessage());
        }

        @Test
        void presenceRouteReturningNull() {
            ChannelRoutes<User> routes = ChannelRoutes.<User>create().presence("chat.{id}", (u, p) -> null);
            assertEquals("Presence route 'chat.{id}' must return Authorization.member(...) or Authorization.deny(), not null",
                    assertThrows(IllegalStateException.class, () -> routes.authorize(ANN, "presence-chat.1")).getMessage());
        }

        @Test
        void noMatchingRouteIsADenialNamingTheChannel() {
            assertEquals("No channel route matches 'invoices.5' (channel private-invoices.5)",
                    denial(ROUTES.authorize(ANN, "private-invoices.5")));
            assertEquals("No presence route matches 'room.5' (channel presence-room.5)",
                    denial(ROUTES.authorize(ANN, "presence-room.5")));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "private-orders/5| Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found '/' at 14): private-orders/5",
            "private-| Channel name 'private-' has a prefix and nothing else",
            "presence-| Channel name 'presence-' has a prefix and nothing else",
            "#server-to-user-1| Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found '#' at 0): #server-to-user-1",
        })
        void invalidChannelName(String channel, String message) {
            assertEquals(message, assertThrows(IllegalArgumentException.class,
                    () -> ROUTES.authorize(ANN, channel)).getMessage());
        }

        @Test
        void emptyTooLongOrNullChannelName() {
            assertEquals("Channel name is empty",
                    assertThrows(IllegalArgumentException.class, () -> ROUTES.authorize(ANN, "")).getMessage());
            String tooLong = "private-" + "a".repeat(193);
            assertEquals("Channel name is longer than 200 characters: " + tooLong,
                    assertThrows(IllegalArgumentException.class, () -> ROUTES.authorize(ANN, tooLong)).getMessage());
            assertEquals("channel name", assertThrows(NullPointerException.class, () -> ROUTES.authorize(ANN, null)).getMessage());
        }

        @Test
        void memberWithoutAnId() {
            assertEquals("A presence member needs a non-empty user id",
                    assertThrows(IllegalArgumentException.class, () -> Authorization.member("")).getMessage());
            assertEquals("userId", assertThrows(NullPointerException.class, () -> Authorization.member(null)).getMessage());
        }
    }
}
