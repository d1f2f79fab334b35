/**
 * The engine's facade: what a host application or an adapter creates and calls.
 * {@link dev.broadcast.core.BroadcastHub} runs apps, connections and the HTTP API;
 * {@link dev.broadcast.core.Broadcasters} makes the {@link dev.broadcast.core.DispatchingBroadcaster}
 * host code broadcasts through, and its drivers; {@link dev.broadcast.core.AuthEndpoint} answers
 * {@code /broadcasting/auth} and {@code /broadcasting/user-auth}.
 *
 * <p>The packages below this one hold what the facade is configured with and plugs into:
 * {@link dev.broadcast.core.config} (apps, limits, the scheduler), {@link dev.broadcast.core.transport}
 * (what WebSocket and HTTP adapters implement and call) and {@link dev.broadcast.core.driver}
 * (where broadcasts go). The implementation lives in {@code dev.broadcast.core.internal}, which is
 * not exported and never imports this package.
 */
package dev.broadcast.core;
