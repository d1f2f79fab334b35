/**
 * The Pusher HTTP API ({@code HttpApi}): request signatures, the timestamp window, body_md5 and the
 * routes under {@code /apps/{id}}, over any HTTP server.
 */
package dev.broadcast.core.internal.api;
