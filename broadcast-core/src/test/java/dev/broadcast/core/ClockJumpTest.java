package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, faults: the system clock jumps (NTP step, a VM resumed, an operator). Timeouts, rate
 * windows and cache expiry run on monotonic time, so a jump forward pings and closes nobody, and
 * a jump back freezes nothing. Before, they ran on the wall clock: an hour forward and every
 * connection was pinged at once; an hour back and a client's event rate window stayed shut.
 */
class ClockJumpTest {

    @Test
    void aJumpOfTheSystemClockNeitherFiresNorFreezesTimeouts() throws Exception {
        AtomicReference<Instant> wall = new AtomicReference<>(Instant.now());
        InstantSource jumping = wall::get;
        try (Fixture fixture = Fixture.create(b -> b.clientEvents(true), b -> b.wallClock(jumping))) {
            FixtureClient alice = fixture.connect();
            FixtureClient bob = fixture.connect();
            alice.subscribe("private-chat");
            bob.subscribe("private-chat");
            int mark = alice.mark();

            wall.set(wall.get().plus(Duration.ofHours(1)));
            fixture.scheduler.advance(Duration.ofSeconds(2)); // the heartbeat sweep runs twice

            assertEquals(List.of(), alice.since(mark), "nobody was silent for 120 s: no ping");

            wall.set(wall.get().minus(Duration.ofHours(2)));
            for (int i = 0; i < 10; i++) {
                assertEquals(List.of(), alice.clientEvent("client-n", "private-chat", "{\"i\":" + i + "}"));
            }
            Thread.sleep(1_100); // a new rate window, in real time
            List<JsonNode> reply = alice.clientEvent("client-n", "private-chat", "{\"i\":10}");

            assertEquals(List.of(), reply, "the rate window opened again after a second");
            assertEquals(11, bob.events("client-n").size());
        }
    }
}
