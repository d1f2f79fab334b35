package dev.broadcast.core;

import java.util.Map;

/**
 * A snapshot of what a hub is doing, for tests, health pages and metrics. The totals count since
 * the hub started and only grow.
 *
 * @param connections         open connections
 * @param channels            occupied channels
 * @param subscriptions       subscriptions over all channels
 * @param messagesIn          frames received from clients since start
 * @param bytesIn             UTF-8 bytes of those frames
 * @param messagesOut         frames queued to clients since start: broadcast events and every
 *                            protocol frame ({@code connection_established}, subscription
 *                            answers, pongs, errors, presence changes)
 * @param bytesOut            UTF-8 bytes of those frames
 * @param deliveries          event frames queued to subscribers by broadcasts (triggers from the
 *                            hub, the HTTP API and the drivers, and client events): one per
 *                            subscriber reached; a part of {@code messagesOut}
 * @param webhooksSent        webhook posts answered with 2xx
 * @param webhooksFailed      webhook posts given up after the last retry
 * @param webhooksDropped     webhook events never posted because 10,000 were waiting for a
 *                            receiver that is slow or down
 * @param closesByCode        connections the server closed, by close code (e.g. 4100 slow consumer,
 *                            4201 pong timeout); closes initiated by clients are not counted
 * @param apiRequestsByStatus HTTP API requests (and {@code GET /up}) answered by
 *                            {@link BroadcastHub#handle}, by HTTP status, ascending (see
 *                            {@link dev.broadcast.core.transport.ApiResponse#STATUSES}); answers an
 *                            adapter gives without the hub, such as a malformed HTTP request, are
 *                            not counted
 */
public record HubStats(
        int connections,
        int channels,
        int subscriptions,
        long messagesIn,
        long bytesIn,
        long messagesOut,
        long bytesOut,
        long deliveries,
        long webhooksSent,
        long webhooksFailed,
        long webhooksDropped,
        Map<Integer, Long> closesByCode,
        Map<Integer, Long> apiRequestsByStatus) {
}
