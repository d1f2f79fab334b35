package dev.broadcast.jakarta;

import dev.broadcast.core.transport.SocketIds;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@code X-Socket-ID} header laravel-echo adds to the host application's own requests (its
 * axios, jQuery, Vue and Turbo interceptors; {@code echo.socketId()} by hand elsewhere): the
 * sender's connection, to leave out of the broadcast its request causes, as Laravel's
 * {@code toOthers()}:
 *
 * <pre>{@code
 * broadcaster.toOthers(SocketIdHeader.socketIdOf(request)).broadcast(new TaskUpdated(task)); // null: nobody left out
 * hub.trigger(appId, channels, event, data, SocketIdHeader.socketIdOf(request));   // null: nobody left out
 * }</pre>
 *
 * <p>A forged or stale header at worst names no connection or another one, which then misses
 * that one event; so nothing here throws for bad input.
 */
public final class SocketIdHeader {

    /**
     * The header's name. Servlet containers match header names case-insensitively, so Echo's
     * {@code X-Socket-Id} is the same header.
     */
    public static final String NAME = "X-Socket-ID";

    private SocketIdHeader() {
    }

    /**
     * The socket id in {@code request}'s {@code X-Socket-ID} header, or null when the header is
     * absent or not of the form {@code 1234.5678} (surrounding spaces are ignored).
     */
    public static String socketIdOf(HttpServletRequest request) {
        String value = request.getHeader(NAME);
        if (value == null) {
            return null;
        }
        String socketId = value.strip();
        return SocketIds.isValid(socketId) ? socketId : null;
    }
}
