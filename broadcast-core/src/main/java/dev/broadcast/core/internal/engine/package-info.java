/**
 * The engine proper: the apps of a hub ({@code Engine}, {@code AppRuntime}), each connection's
 * protocol state machine ({@code ClientConnection}: handshake, subscribe, presence, client events,
 * signin, liveness), channels and presence ({@code ChannelRegistry}), the cache of cache channels,
 * and the running totals ({@code Counters}).
 */
package dev.broadcast.core.internal.engine;
