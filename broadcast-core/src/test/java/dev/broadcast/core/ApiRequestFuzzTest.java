package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ApiExchange;
import dev.broadcast.core.transport.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the HTTP API's request parser and signature check ({@code HttpApi}) through
 * {@link BroadcastHub#serve}: method, request target (path and query string) and body as a
 * client sends them. Regression inputs:
 * {@code src/test/resources/dev/broadcast/core/ApiRequestFuzzTestInputs/}; see docs/fuzzing.md.
 *
 * <p>The input is the method on the first line, the target on the second and the body after it.
 * So that the fuzzer gets past the cheap checks to the signature, {@code $now} in the target is
 * replaced by the hub's time in seconds and {@code $md5} by the body's MD5; the signature it can
 * only guess.
 */
class ApiRequestFuzzTest {

    /**
     * Every request, whatever its method, target and body, is answered (nothing thrown) with one
     * of {@link ApiResponse#STATUSES} and a JSON object: {@code {"health":"OK"}} with 200, which
     * only the health check may have, since no fuzzed request is signed; otherwise a non-empty
     * {@code error}. Nothing is ever delivered: a subscriber on a public, a private, a presence
     * and a user channel receives no frame, the hub counts no delivery and no connection is
     * terminated; the answer is counted once by status.
     *
     * <p>The inputs {@code opaque-target*} are a finding, fixed: a target that is an opaque URI
     * ({@code GET http:up HTTP/1.1}) had no path, and {@link BroadcastHub#serve} threw a
     * {@code NullPointerException} instead of answering 404.
     */
    @FuzzTest(maxDuration = "10s")
    void unsignedRequestsAreRefusedAndChangeNothing(byte[] input) throws IOException {
        String[] lines = FuzzInput.lines(input, 3);
        String method = lines[0];
        String body = lines[2];
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        try (Fixture fixture = Fixture.create()) {
            String target = lines[1]
                    .replace("$now", Long.toString(fixture.clock.instant().getEpochSecond()))
                    .replace("$md5", Crypto.md5Hex(bodyBytes));
            FixtureClient subscriber = Subscribers.everywhere(fixture);
            int mark = subscriber.mark();
            HubStats before = fixture.hub.stats();

            Exchange exchange = new Exchange(method, target, bodyBytes);
            fixture.hub.serve(exchange);

            assertTrue(ApiResponse.STATUSES.contains(exchange.status), () -> "status " + exchange.status);
            JsonNode answer = Wire.parse(exchange.json);
            assertTrue(answer.isObject(), () -> "not a JSON object: " + exchange.json);
            if (exchange.status == 200) {
                assertEquals(Wire.parse("{\"health\":\"OK\"}"), answer, "an unsigned request was answered 200");
            } else {
                assertTrue(answer.path("error").isTextual() && !answer.path("error").asText().isEmpty(),
                        () -> "an error without a message: " + exchange.json);
            }
            HubStats after = fixture.hub.stats();
            assertEquals(List.of(), subscriber.since(mark), "an unsigned request reached a subscriber");
            assertEquals(before.deliveries(), after.deliveries(), "an unsigned request was delivered");
            assertEquals(before.connections(), after.connections(), "an unsigned request closed a connection");
            assertTrue(subscriber.isOpen());
            assertEquals(before.apiRequestsByStatus().getOrDefault(exchange.status, 0L) + 1,
                    after.apiRequestsByStatus().get(exchange.status), "the answer is counted once");
        }
    }

    /** An exchange held in memory: the body read as an adapter reads it, the answer recorded. */
    static final class Exchange implements ApiExchange {
        private final String method;
        private final String target;
        private final byte[] body;
        int status = -1;
        String json;

        Exchange(String method, String target, byte[] body) {
            this.method = method;
            this.target = target;
            this.body = body;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public byte[] body(int max) {
            return Arrays.copyOf(body, Math.min(body.length, max + 1));
        }

        @Override
        public void respond(int status, byte[] json) {
            assertEquals(-1, this.status, "answered twice");
            this.status = status;
            this.json = new String(json, StandardCharsets.UTF_8);
        }
    }
}
