package dev.broadcast.core.transport;

/**
 * What the engine needs to know about a WebSocket handshake to {@code /app/{key}}.
 *
 * @param appKey   the key from the path
 * @param protocol the {@code protocol} query parameter, {@code null} when absent
 * @param origin   the {@code Origin} header, {@code null} when absent (non-browser clients)
 */
public record ConnectRequest(String appKey, String protocol, String origin) {
}
