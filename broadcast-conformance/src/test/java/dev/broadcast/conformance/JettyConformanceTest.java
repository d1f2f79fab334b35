package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The scenarios against the Jakarta adapter in embedded Jetty 12 (ee10), in this JVM; and the
 * ones only this target can run, because they need the host application's auth endpoints
 * ({@code broadcast-jakarta}'s servlets beside the hub) with real HTTP authorization by the
 * clients.
 */
@DisplayName("Conformance: Jakarta adapter in Jetty 12 ee10")
class JettyConformanceTest extends ConformanceSuite {

    @Override
    protected Target start(int webhookPort) throws Exception {
        return new JettyTarget(webhookPort);
    }

    /** Runs a script that talks to the host application's endpoints too. */
    private JsonNode authScenario(String script) {
        String base = "http://" + target().host() + ":" + target().port();
        return scenario(script, Map.of(
                "AUTH_ENDPOINT", base + "/broadcasting/auth",
                "USER_AUTH_ENDPOINT", base + "/broadcasting/user-auth",
                "TO_OTHERS_URL", base + JettyTarget.TO_OTHERS_PATH,
                "ENCRYPTION_MASTER_KEY_BASE64", JettyTarget.ENCRYPTION_MASTER_KEY_BASE64));
    }

    @Test
    @Order(101)
    @DisplayName("A1. pusher-js authorizes over HTTP with its own transport: private, presence, encrypted; signs in")
    void pusherJsAuthorizesOverHttp() {
        JsonNode json = authScenario("auth-endpoints.mjs");
        for (String type : new String[] {"private", "presence", "encrypted"}) {
            assertEquals("hello " + type + " é✓", json.path("received").path(type).path("text").asText(), json::toString);
        }
        assertEquals("alice", json.path("me").path("id").asText(), json::toString);
        assertEquals("alice", json.path("userData").path("id").asText(), json::toString);
        assertEquals("hi Alice", json.path("notes").path(0).path("text").asText(), json::toString);
    }

    @Test
    @Order(102)
    @DisplayName("A2. Echo's default auth options: here/joining from the presence route; refusals reach .error() with 403")
    void echoAuthorizesOverHttp() {
        JsonNode json = authScenario("auth-echo.mjs");
        assertEquals(2, json.path("hereBob").size(), json::toString);
        for (String kind : new String[] {"denied", "presenceDenied", "nobody"}) {
            assertEquals(403, json.path("errors").path(kind).path(0).path("status").asInt(), json::toString);
        }
    }

    @Test
    @Order(103)
    @DisplayName("A3. a custom authorizer posting JSON; X-Socket-ID leaves the sender out of the host app's broadcast")
    void jsonAuthorizationAndSocketIdHeader() {
        JsonNode json = authScenario("auth-json-to-others.mjs");
        assertEquals(1, json.path("excluded").path("queued").asInt(), json::toString);
        assertEquals(2, json.path("onAlice").size(), json::toString);
        assertEquals(4, json.path("onBob").size(), json::toString);
    }
}
