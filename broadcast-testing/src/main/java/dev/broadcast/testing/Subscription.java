package dev.broadcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/** The outcome of {@link TestClient#subscribe}, to assert on. */
public final class Subscription {

    private final TestClient client;
    private final String channel;
    private final boolean deniedByRoutes;

    Subscription(TestClient client, String channel, boolean deniedByRoutes) {
        this.client = client;
        this.channel = channel;
        this.deniedByRoutes = deniedByRoutes;
    }

    /**
     * Waits for {@code pusher_internal:subscription_succeeded} and returns its data (for presence
     * channels {@code {"presence":{"ids","hash","count"}}}).
     */
    public JsonNode assertSucceeded() {
        if (deniedByRoutes) {
            throw new AssertionFailedError("Expected " + channel + " to be joined, but the channel routes denied it "
                    + "(the auth endpoint would answer 403)", "subscribed", "denied by routes");
        }
        JsonNode outcome = client.take(m -> channel.equals(m.path("channel").asText())
                && (m.path("event").asText().equals("pusher_internal:subscription_succeeded")
                || m.path("event").asText().equals("pusher:subscription_error")), "subscription to " + channel);
        if (outcome.path("event").asText().equals("pusher:subscription_error")) {
            throw new AssertionFailedError("Expected " + channel + " to be joined, but the server answered " + outcome,
                    "subscribed", outcome.toString());
        }
        return TestClient.data(outcome);
    }

    /**
     * Asserts the subscription failed: denied by the routes (status 403, as pusher-js reports an
     * auth endpoint's refusal) or refused by the server with {@code pusher:subscription_error}.
     * Returns the status.
     */
    public int assertFailed() {
        if (deniedByRoutes) {
            return 403;
        }
        JsonNode outcome = client.take(m -> channel.equals(m.path("channel").asText())
                && (m.path("event").asText().equals("pusher_internal:subscription_succeeded")
                || m.path("event").asText().equals("pusher:subscription_error")), "subscription to " + channel);
        if (!outcome.path("event").asText().equals("pusher:subscription_error")) {
            throw new AssertionFailedError("Expected the subscription to " + channel + " to fail, but it succeeded",
                    "subscription_error", "subscribed");
        }
        return outcome.path("data").path("status").asInt();
    }

    /** Asserts the subscription failed with {@code status}. */
    public void assertFailed(int status) {
        int actual = assertFailed();
        if (actual != status) {
            throw new AssertionFailedError("Expected the subscription to " + channel + " to fail with " + status
                    + " but it failed with " + actual, status, actual);
        }
    }

    /** Waits for success and returns the presence member ids. */
    public List<String> members() {
        List<String> ids = new ArrayList<>();
        assertSucceeded().path("presence").path("ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
