package dev.broadcast.core;

import java.util.Map;

/**
 * A snapshot of what a hub is doing, for tests, health pages and metrics.
 *
 * @param connections      open connections
 * @param channels         occupied channels
 * @param subscriptions    subscriptions over all channels
 * @param messagesIn       frames received from clients since start
 * @param messagesOut      frames queued to clients since start
 * @param bytesOut         UTF-8 bytes of those frames
 * @param webhooksSent     webhook posts answered with 2xx
 * @param webhooksFailed   webhook posts given up after the last retry
 * @param closesByCode     connections the server closed, by close code (e.g. 4100 slow consumer,
 *                         4201 pong timeout); closes initiated by clients are not counted
 */
public record HubStats(
        int connections,
        int channels,
        int subscriptions,
        long messagesIn,
        long messagesOut,
        long bytesOut,
        long webhooksSent,
        long webhooksFailed,
        Map<Integer, Long> closesByCode) {
}
