package dev.broadcast.core;

import static dev.broadcast.core.Wire.assertError;
import static dev.broadcast.core.Wire.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ApiResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigninTest {

    private static final String USER_DATA = "{\"id\":\"42\",\"user_info\":{\"name\":\"Ann\"}}";

    @Test
    void signinSuccessEchoesTheSameUserDataString() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();

            List<JsonNode> reply = client.signin(USER_DATA);

            assertEquals(1, reply.size(), reply::toString);
            assertJson("{\"event\":\"pusher:signin_success\",\"data\":{\"user_data\":" + Wire.write(USER_DATA) + "}}",
                    reply.get(0));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void signedInUserMaySubscribeToItsServerToUserChannelAndReceivesTriggers() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin(USER_DATA);

            List<JsonNode> reply = client.subscribe("#server-to-user-42");
            assertJson("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"#server-to-user-42\",\"data\":\"{}\"}",
                    reply.get(0));

            int mark = client.mark();
            ApiResponse response = fixture.triggerApi("name", "notice", "channel", "#server-to-user-42", "data", "{\"n\":1}");
            assertEquals(new ApiResponse(200, "{}"), response);
            List<JsonNode> received = client.since(mark);
            assertEquals(1, received.size(), received::toString);
            assertJson("{\"event\":\"notice\",\"channel\":\"#server-to-user-42\",\"data\":\"{\\\"n\\\":1}\"}", received.get(0));
        }
    }

    @Test
    void anotherUsersServerToUserChannelIsRefused() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin(USER_DATA);

            for (String channel : List.of("#server-to-user-other", "#server-to-user-4", "#server-to-user-420")) {
                List<JsonNode> reply = client.subscribe(channel);
                assertEquals(1, reply.size(), reply::toString);
                Wire.assertSubscriptionError(channel, "AuthError", 403, reply.get(0));
            }
            assertEquals(0, fixture.hub.stats().subscriptions());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void badSigninSignatureClosesWith4009() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            FixtureClient other = fixture.connect();

            // signed for the other socket: a replay across connections
            List<JsonNode> reply = client.signinWith(USER_DATA,
                    Crypto.signinAuth(Fixture.KEY, Fixture.SECRET, other.socketId(), USER_DATA));

            assertEquals(1, reply.size(), reply::toString);
            assertError(4009, reply.get(0));
            assertFalse(client.isOpen());
            assertEquals(4009, client.transport.closeCode());
            assertEquals(1L, fixture.hub.stats().closesByCode().get(4009));
            assertTrue(other.isOpen());
        }
    }

    @Test
    void signinSignedOverOtherUserDataClosesWith4009() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            String auth = Crypto.signinAuth(Fixture.KEY, Fixture.SECRET, client.socketId(), "{\"id\":\"1\"}");

            client.signinWith("{\"id\":\"2\"}", auth);

            assertError(4009, client.last());
            assertEquals(4009, client.transport.closeCode());
        }
    }

    @Test
    void signinWithoutStringIdClosesWith4009EvenWhenSigned() {
        for (String userData : List.of("{\"id\":42}", "{\"id\":\"\"}", "{\"name\":\"x\"}", "[]")) {
            try (Fixture fixture = Fixture.create()) {
                FixtureClient client = fixture.connect();
                client.signin(userData);
                assertError(4009, client.last());
                assertEquals(4009, client.transport.closeCode(), userData);
            }
        }
    }

    @Test
    void signingInAgainAsTheSameUserIsFine() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin("{\"id\":\"42\"}");
            List<JsonNode> reply = client.signin("{\"id\":\"42\",\"user_info\":{\"n\":1}}");
            assertEquals("pusher:signin_success", reply.get(0).get("event").asText());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void signingInAgainAsAnotherUserClosesWith4009AndDropsTheFirstIdentity() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin("{\"id\":\"42\"}");
            client.subscribe("#server-to-user-42");

            List<JsonNode> reply = client.signin("{\"id\":\"43\"}");

            assertEquals(1, reply.size(), reply::toString);
            assertError(4009, reply.get(0));
            assertEquals(4009, client.transport.closeCode());
            assertEquals(0, fixture.hub.stats().subscriptions(), "no longer subscribed to 42's channel");
            FixtureClient again = fixture.connect();
            again.signin("{\"id\":\"42\"}");
            fixture.api(ApiCall.post("/apps/3/users/42/terminate_connections", "{}"));
            assertEquals(Map.of(4009, 2L), fixture.hub.stats().closesByCode());
        }
    }

    @Test
    void serverToUserChannelNeedsSignin() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            List<JsonNode> reply = client.subscribe("#server-to-user-42");
            Wire.assertSubscriptionError("#server-to-user-42", "AuthError", 403, reply.get(0));
        }
    }

    @Test
    void presenceWithoutChannelDataUsesTheSignedInUser() {
        try (Fixture fixture = Fixture.create()) {
            FixtureClient client = fixture.connect();
            client.signin(USER_DATA);

            List<JsonNode> reply = client.subscribeWith("presence-room", client.auth("presence-room"), null);

            Wire.assertStringData("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room\"}",
                    "{\"presence\":{\"ids\":[\"42\"],\"hash\":{\"42\":{\"name\":\"Ann\"}},\"count\":1}}", reply.get(0));
        }
    }
}
