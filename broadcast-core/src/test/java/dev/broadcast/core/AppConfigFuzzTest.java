package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.broadcast.core.config.App;
import dev.broadcast.core.transport.CloseCodes;
import dev.broadcast.core.transport.ConnectRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Fuzzes the configuration an application gives the core: an app's id, key and secret
 * ({@link App#builder}), its allowed origins and the {@code Origin} check of a connection, its
 * webhook URLs ({@link App.Builder#webhook}) and the base URL of the Pusher driver
 * ({@link Broadcasters#pusherDriver}). Regression inputs:
 * {@code src/test/resources/dev/broadcast/core/AppConfigFuzzTestInputs/}; see docs/fuzzing.md.
 *
 * <p>The input is lines: id, key, secret (to which {@code ~s3cr3t} is appended), allowed origins (comma-separated), the {@code Origin}
 * of a connection, a webhook URL, a Pusher server URL.
 */
class AppConfigFuzzTest {

    private static final int SECRET_LINE = 2;
    private static final String SECRET_MARK = "~s3cr3t";

    /**
     * Each value is accepted or refused with an {@link IllegalArgumentException} that has a
     * message, never any other exception, and no message holds the app's secret or the password
     * of a URL. Accepted ids, keys and secrets hold no whitespace. A connection from any
     * {@code Origin} is either established or closed with 4009 after a {@code pusher:error}, and
     * always established under {@code *} or from an origin (a URI) listed exactly; the check takes
     * bounded time for any number of '*' in the allowed origins. An accepted webhook URL is http
     * or https, and one the webhook thread can post to.
     *
     * <p>Inputs that were findings, fixed: {@code many-wildcards} and
     * {@code three-wildcards-long-origin}, a hang (found with {@code -timeout}): each '*' of an
     * allowed origin became {@code .*} of one backtracking regular expression, so the time grew
     * as the host's length to the power of the number of '*' (16 s for 74 '*' and the host
     * {@code aetty}; about 2 s per handshake for {@code *.*.*.example.com} against a
     * 2001-character host the client chose). {@code webhook-without-host}: {@code http:hooks} was
     * accepted as a webhook, and {@code HttpRequest.newBuilder} then threw, losing every webhook
     * of the app uncounted. {@code webhook-password} and {@code pusher-url-password}: refusals
     * printed the URL with its password.
     */
    @FuzzTest(maxDuration = "10s")
    void appConfigurationIsAcceptedOrRefusedClearly(byte[] input) {
        String[] lines = FuzzInput.lines(input, 7);
        String id = lines[0];
        String key = lines[1];
        // marked, so that a message can only hold it by printing it
        String secret = lines[SECRET_LINE].isEmpty() ? "" : lines[SECRET_LINE] + SECRET_MARK;
        List<String> origins = Arrays.asList(lines[3].split(",", -1));
        String origin = lines[4];

        App.Builder builder;
        try {
            builder = App.builder(id, key, secret);
        } catch (IllegalArgumentException refused) {
            assertClear(refused, secret, lines);
            return;
        }
        for (String value : List.of(id, key, secret)) {
            assertFalse(value.isEmpty() || value.chars().anyMatch(Character::isWhitespace), () -> "accepted '" + value + "'");
        }
        try {
            builder.allowedOrigins(origins);
        } catch (IllegalArgumentException refused) {
            assertClear(refused, secret, lines);
        }
        URI webhook = uri(lines[5]);
        if (webhook != null) {
            boolean accepted = false;
            try {
                builder.webhook(webhook);
                accepted = true;
            } catch (IllegalArgumentException refused) {
                assertClear(refused, secret, lines);
                assertNoPassword(refused, webhook, lines, 5);
            }
            if (accepted) {
                String scheme = webhook.getScheme().toLowerCase(Locale.ROOT);
                assertTrue(scheme.equals("http") || scheme.equals("https"), () -> "accepted the webhook " + webhook);
                HttpRequest.newBuilder(webhook); // what the webhook thread posts to
            }
        }
        App app = builder.build();
        try (Fixture fixture = Fixture.create(b -> b.allowedOrigins(app.allowedOrigins()))) {
            FixtureClient client = fixture.connect(new ConnectRequest(Fixture.KEY, "7", origin.isEmpty() ? null : origin));
            String first = client.frames().get(0).path("event").asText();
            if (client.isOpen()) {
                assertEquals("pusher:connection_established", first);
            } else {
                assertEquals(CloseCodes.UNAUTHORIZED, client.transport.closeCode());
                assertEquals("pusher:error", first);
                assertFalse(app.allowedOrigins().contains("*"), "refused an origin under *");
                // an Origin that is not a URI is refused even when listed; browsers send none
                assertFalse(uri(origin) != null && app.allowedOrigins().stream()
                        .anyMatch(o -> o.contains("://") && o.equalsIgnoreCase(origin)), () -> "refused the listed origin " + origin);
            }
        }
        URI server = uri(lines[6]);
        if (server != null) {
            try {
                Broadcasters.pusherDriver(server, app.id(), app.key(), app.secret());
            } catch (IllegalArgumentException refused) {
                assertClear(refused, secret, lines);
                assertNoPassword(refused, server, lines, 6);
            }
        }
    }

    /** {@code text} as a URI, or null when it is none: that refusal is the JDK's, not ours. */
    private static URI uri(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return URI.create(text);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }

    /** A refusal with a message that does not hold the secret, unless another value holds it too. */
    private static void assertClear(IllegalArgumentException refused, String secret, String[] lines) {
        String message = refused.getMessage();
        assertNotNull(message, "a refusal without a message");
        assertFalse(message.isBlank(), "a refusal without a message");
        boolean elsewhere = secret.isEmpty()
                || IntStream.range(0, lines.length).anyMatch(i -> i != SECRET_LINE && lines[i].contains(secret));
        assertTrue(elsewhere || !message.contains(secret), () -> "the secret is in the message: " + message);
    }

    /**
     * The refusal does not print {@code user:password@} of {@code url} (line {@code line} of the
     * input), unless the input holds that text elsewhere too: in another line (an app id, which
     * messages quote) or again in the URL past its authority.
     */
    private static void assertNoPassword(IllegalArgumentException refused, URI url, String[] lines, int line) {
        String userInfo = url.getRawUserInfo();
        if (userInfo == null || userInfo.indexOf(':') < 0 || userInfo.length() == userInfo.indexOf(':') + 1) {
            return;
        }
        String credentials = userInfo + "@";
        boolean elsewhere = url.toString().replaceFirst(Pattern.quote(credentials), "").contains(credentials)
                || IntStream.range(0, lines.length).anyMatch(i -> i != line && lines[i].contains(credentials));
        assertTrue(elsewhere || !refused.getMessage().contains(credentials), () -> "the URL's password is in: " + refused.getMessage());
    }
}
