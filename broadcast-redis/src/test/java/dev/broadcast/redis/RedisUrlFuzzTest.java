package dev.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lettuce.core.RedisURI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the validation of the Redis URL and prefix that join a server to a cluster
 * ({@link RedisBus#builder}, {@link RedisBus.Builder#prefix}); nothing is connected. Regression
 * inputs: {@code src/test/resources/dev/broadcast/redis/RedisUrlFuzzTestInputs/}; see
 * docs/fuzzing.md.
 *
 * <p>The input is lines: scheme, user, password, the rest of the URL (host, port, database,
 * query), prefix. The URL is {@code scheme://user:password@rest}, without {@code :password} when
 * it is empty and without the {@code @} when both are; {@code ~pw} is appended to the password,
 * so that a message can only hold its end by printing it.
 */
class RedisUrlFuzzTest {

    private static final String PASSWORD_MARK = "~pw";

    /**
     * A URL and prefix are accepted or refused with an {@link IllegalArgumentException} that has a
     * message, never another exception, and the message does not hold the password, whatever the
     * user and password hold ('/', '?' or '#' not %-encoded, which end the authority of a URI,
     * included). An accepted URL has a host, and Lettuce reads back the user and password it was
     * given.
     *
     * <p>The inputs {@code password-with-slash*} are a finding, fixed: for
     * {@code redis://user:6379/hunter2@host}, {@code java.net.URI} reads the host {@code user},
     * the port 6379 and the path {@code /hunter2@host}, and the refusal quoted Lettuce's
     * {@code NumberFormatException} for that database, password included.
     */
    @FuzzTest(maxDuration = "10s")
    void urlIsAcceptedOrRefusedWithoutItsPassword(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        String[] lines = Arrays.stream(Arrays.copyOf(text.split("\n", 5), 5)).map(l -> l == null ? "" : l)
                .toArray(String[]::new);
        String scheme = lines[0];
        String user = lines[1];
        String password = lines[2].isEmpty() ? "" : lines[2] + PASSWORD_MARK;
        String rest = lines[3];
        String prefix = lines[4];
        String credentials = user + (password.isEmpty() ? "" : ":" + password);
        String url = scheme + "://" + (credentials.isEmpty() ? "" : credentials + "@") + rest;
        boolean markElsewhere = (scheme + user + rest + prefix).contains(PASSWORD_MARK);

        RedisBus.Builder builder;
        try {
            builder = RedisBus.builder(url);
        } catch (IllegalArgumentException refused) {
            assertClear(refused, password, markElsewhere);
            return;
        }
        try {
            builder.prefix(prefix);
        } catch (IllegalArgumentException refused) {
            assertClear(refused, password, markElsewhere);
        }
        RedisURI parsed = RedisBus.Builder.parse(url);
        assertNotNull(parsed.getHost());
        assertFalse(parsed.getHost().isEmpty(), () -> "accepted " + url + " without a host");
        // RFC 3986 wants these %-encoded in the user information; unencoded, a reader may split it elsewhere
        boolean plainCredentials = !user.matches(".*[/?#@:%].*") && !password.matches(".*[/?#@%].*");
        if (!password.isEmpty() && plainCredentials) {
            assertEquals(password, new String(parsed.getPassword()), () -> "the password Lettuce reads from " + url);
            assertEquals(user.isEmpty() ? null : user, parsed.getUsername(), () -> "the user Lettuce reads from " + url);
        }
    }

    private static void assertClear(IllegalArgumentException refused, String password, boolean markElsewhere) {
        String message = refused.getMessage();
        assertNotNull(message, "a refusal without a message");
        assertFalse(message.isBlank(), "a refusal without a message");
        if (!password.isEmpty() && !markElsewhere) {
            assertFalse(message.contains(PASSWORD_MARK), () -> "the password is in: " + message);
        }
    }
}
