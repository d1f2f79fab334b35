package dev.broadcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.AuthResponse;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * The outcome of {@link TestClient#subscribe}, to assert on. The first of {@link #assertSucceeded},
 * {@link #assertFailed} or {@link #members} to be called waits up to the client's
 * {@link TestClient#timeout()} for the server's answer ({@code pusher_internal:subscription_succeeded}
 * or {@code pusher:subscription_error} on the channel) and consumes it; the subscription keeps it,
 * so they can all be called, in any order, as often as needed.
 */
public final class Subscription {

    private final TestClient client;
    private final String channel;
    private final AuthResponse refused;
    private JsonNode answer;

    /**
     * @param refused the auth endpoint's refusal when nothing was sent; null when the subscription
     *                went to the server
     */
    Subscription(TestClient client, String channel, AuthResponse refused) {
        this.client = client;
        this.channel = channel;
        this.refused = refused;
    }

    /**
     * Asserts the server accepted the subscription.
     *
     * @return the data of {@code pusher_internal:subscription_succeeded}: {@code {}}, or on a
     *         presence channel {@code {"presence":{"ids":[…],"hash":{…},"count":n}}}
     * @throws AssertionFailedError if the auth endpoint refused it, the server answered
     *                              {@code pusher:subscription_error}, or no answer came in time
     */
    public JsonNode assertSucceeded() {
        if (refused != null) {
            throw new AssertionFailedError("Expected " + channel + " to be joined, but the auth endpoint refused it with "
                    + refused.status() + " " + refused.json() + "; nothing was sent (RouteAssertions tells why a route denies)",
                    "subscribed", "refused with " + refused.status());
        }
        JsonNode outcome = answer();
        if (isError(outcome)) {
            throw new AssertionFailedError("Expected " + channel + " to be joined, but the server answered " + outcome,
                    "subscribed", outcome.toString());
        }
        return TestClient.data(outcome);
    }

    /**
     * Asserts the subscription failed: refused by the auth endpoint (nothing was sent, as pusher-js
     * sends nothing when {@code /broadcasting/auth} refuses), or by the server with
     * {@code pusher:subscription_error}.
     *
     * @return the auth endpoint's HTTP status (403 when the routes deny), or the {@code status} of
     *         the server's {@code pusher:subscription_error} (e.g. 401 for a bad signature)
     * @throws AssertionFailedError if the server accepted it, or no answer came in time
     */
    public int assertFailed() {
        if (refused != null) {
            return refused.status();
        }
        JsonNode outcome = answer();
        if (!isError(outcome)) {
            throw new AssertionFailedError("Expected the subscription to " + channel + " to fail, but it succeeded: "
                    + outcome, "subscription_error", "subscribed");
        }
        return outcome.path("data").path("status").asInt();
    }

    /** Asserts the subscription failed with {@code status}; see {@link #assertFailed()}. */
    public void assertFailed(int status) {
        int actual = assertFailed();
        if (actual != status) {
            String how = refused != null ? "the auth endpoint refused it with " + actual + " " + refused.json()
                    : "the server answered " + answer;
            throw new AssertionFailedError("Expected the subscription to " + channel + " to fail with " + status
                    + ", but " + how, status, actual);
        }
    }

    /**
     * Asserts the subscription succeeded and returns the ids of the presence members, this
     * connection's user included, in the server's order.
     *
     * @throws AssertionFailedError as {@link #assertSucceeded()} does
     */
    public List<String> members() {
        List<String> ids = new ArrayList<>();
        assertSucceeded().path("presence").path("ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private JsonNode answer() {
        if (answer == null) {
            answer = client.take(m -> channel.equals(m.path("channel").asText())
                    && (m.path("event").asText().equals("pusher_internal:subscription_succeeded") || isError(m)),
                    "the answer to the subscription to " + channel);
        }
        return answer;
    }

    private static boolean isError(JsonNode message) {
        return message.path("event").asText().equals("pusher:subscription_error");
    }
}
