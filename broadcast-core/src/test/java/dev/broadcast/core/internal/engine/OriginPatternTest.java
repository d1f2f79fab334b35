package dev.broadcast.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Allowed-origin host patterns: {@code *} for any characters, matched in linear time. */
class OriginPatternTest {

    @Test
    void starsMatchAnyCharactersAndLiteralsMustAllBeThereInOrder() {
        List<Object[]> cases = List.of(
                new Object[] {"*.example.com", "app.example.com", true},
                new Object[] {"*.example.com", "a.b.example.com", true},
                new Object[] {"*.example.com", "example.com", false},
                new Object[] {"*.example.com", "app.example.com.evil.net", false},
                new Object[] {"app.example.com", "app.example.com", true},
                new Object[] {"app.example.com", "app.example.co", false},
                new Object[] {"a*a", "a", false},
                new Object[] {"a*a", "aa", true},
                new Object[] {"*", "anything", true},
                new Object[] {"**", "", true},
                new Object[] {"*.*.example.com", "x.y.example.com", true},
                new Object[] {"*.*.example.com", "x.example.com", false},
                new Object[] {"dev-*.example.com", "dev-42.example.com", true},
                new Object[] {"dev-*.example.com", "prod-42.example.com", false});
        for (Object[] c : cases) {
            assertEquals(c[2], Engine.wildcardMatches((String) c[0], (String) c[1]), c[0] + " ~ " + c[1]);
        }
    }

    /** The fuzzer's finding: as a regular expression this took time growing with the length to a power. */
    @Test
    void aLongHostAgainstManyStarsIsDecidedInOnePass() {
        String host = "a".repeat(200_000) + ".evil.net";
        assertEquals(false, Engine.wildcardMatches("*a*a*a*a*a*a*a*.example.com", host));
        assertEquals(true, Engine.wildcardMatches("*a*a*a*a*a*a*a*.evil.net", host));
    }
}
