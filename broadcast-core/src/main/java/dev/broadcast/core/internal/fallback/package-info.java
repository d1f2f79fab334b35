/**
 * pusher-js's HTTP fallback transports, {@code xhr_streaming} and {@code xhr_polling}
 * ({@code HttpSessions}, {@code HttpSession}): sessions that are engine transports like
 * WebSockets, served over any adapter's {@link dev.broadcast.core.transport.FallbackExchange}.
 */
package dev.broadcast.core.internal.fallback;
