package dev.broadcast.core.transport;

import java.util.List;

/**
 * The answer to an {@link ApiRequest}: a status and a JSON body, sent with
 * {@code Content-Type: application/json}. Successful answers are always {@code 200} with a JSON
 * object (at least {@code {}}), which every Pusher server SDK requires; errors are
 * {@code {"error":"..."}} with 400, 401, 404, 405 or 413.
 */
public record ApiResponse(int status, String body) {

    /** Every status the hub's HTTP API answers with, ascending: 200, 400, 401, 404, 405, 413. */
    public static final List<Integer> STATUSES = List.of(200, 400, 401, 404, 405, 413, 503);
}
