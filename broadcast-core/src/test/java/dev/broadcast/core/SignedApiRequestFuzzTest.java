package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.core.transport.ApiResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes what a correctly signed HTTP API request carries: a trigger and a batch built from
 * fuzzed event name, channels, data, socket id and info, and the channel queries for fuzzed
 * names and parameters, each signed as the server SDKs sign. Regression inputs:
 * {@code src/test/resources/dev/broadcast/core/SignedApiRequestFuzzTestInputs/}; see docs/fuzzing.md.
 *
 * <p>The input is lines: event name; channels, space-separated; data; socket id (none when
 * empty); info; a channel-name prefix for {@code filter_by_prefix}.
 */
class SignedApiRequestFuzzTest {

    /**
     * Every signed request is answered 200 with a JSON object or a 4xx with a non-empty
     * {@code error}: never 5xx, never an exception. A trigger answered 200 reached the subscriber
     * on each of its channels the listed number of times, with that name and data, unless the
     * socket id is the subscriber's; a trigger or batch refused delivered nothing.
     *
     * <p>The inputs {@code repeated-info*} are a finding, fixed: an {@code info} with a repeated
     * value ({@code user_count,user_count}, or {@code a,,b}) made {@code HttpApi} throw from
     * {@code Set.of} instead of answering, so an adapter answered 500.
     */
    @FuzzTest(maxDuration = "10s")
    void signedRequestsAreAnsweredWithoutServerErrors(byte[] input) {
        String[] lines = FuzzInput.lines(input, 6);
        String name = lines[0];
        List<String> channels = lines[1].isEmpty() ? List.of() : List.of(lines[1].split(" ", -1));
        String data = lines[2];
        String socketId = lines[3];
        String info = lines[4];
        String prefix = lines[5];
        try (Fixture fixture = Fixture.create()) {
            FixtureClient subscriber = Subscribers.everywhere(fixture);
            String except = socketId.equals("$self") ? subscriber.socketId() : socketId;

            Map<String, Object> trigger = new LinkedHashMap<>();
            trigger.put("name", name);
            trigger.put(channels.size() == 1 ? "channel" : "channels", channels.size() == 1 ? channels.get(0) : channels);
            trigger.put("data", data);
            if (!except.isEmpty()) {
                trigger.put("socket_id", except);
            }
            if (!info.isEmpty()) {
                trigger.put("info", info);
            }
            int mark = subscriber.mark();
            ApiResponse events = answered(fixture, ApiCall.post("/apps/" + Fixture.ID + "/events", Wire.write(trigger)));
            List<JsonNode> delivered = subscriber.since(mark);
            if (events.status() == 200) {
                boolean excluded = except.equals(subscriber.socketId());
                for (String channel : Subscribers.CHANNELS) {
                    long asked = excluded ? 0 : channels.stream().filter(channel::equals).count();
                    long got = delivered.stream().filter(f -> channel.equals(f.path("channel").asText())
                            && name.equals(f.path("event").asText()) && data.equals(f.path("data").asText())).count();
                    assertEquals(asked, got, () -> "deliveries on " + channel + " of " + trigger + ": " + delivered);
                }
            } else {
                assertEquals(List.of(), delivered, () -> "a refused trigger was delivered: " + events);
            }

            List<Map<String, Object>> batch = new ArrayList<>();
            for (String channel : channels) {
                Map<String, Object> item = new LinkedHashMap<>(trigger);
                item.remove("channels");
                item.put("channel", channel);
                batch.add(item);
            }
            mark = subscriber.mark();
            ApiResponse batched = answered(fixture, ApiCall.post("/apps/" + Fixture.ID + "/batch_events",
                    Wire.write(Map.of("batch", batch))));
            if (batched.status() != 200) {
                assertEquals(List.of(), subscriber.since(mark), () -> "a refused batch was delivered: " + batched);
            }

            for (String channel : channels) {
                String path = "/apps/" + Fixture.ID + "/channels/" + channel; // the decoded path, as adapters hand it over
                answered(fixture, ApiCall.get(path).param("info", info));
                answered(fixture, ApiCall.get(path + "/users"));
            }
            answered(fixture, ApiCall.get("/apps/" + Fixture.ID + "/channels").param("filter_by_prefix", prefix)
                    .param("info", info));
        }
    }

    /** The hub's answer to {@code call}, signed now, checked: 200 with an object, or 4xx with an error. */
    private static ApiResponse answered(Fixture fixture, ApiCall call) {
        ApiResponse response = fixture.api(call);
        JsonNode body = Wire.parse(response.body());
        assertTrue(body.isObject(), () -> "not a JSON object: " + response);
        if (response.status() != 200) {
            assertTrue(response.status() >= 400 && response.status() < 500 && ApiResponse.STATUSES.contains(response.status()),
                    () -> "a signed request was answered " + response);
            assertTrue(body.path("error").isTextual() && !body.path("error").asText().isEmpty(),
                    () -> "an error without a message: " + response);
        }
        return response;
    }
}
