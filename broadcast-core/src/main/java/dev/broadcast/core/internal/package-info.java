/**
 * The engine's implementation, by concern; not exported, and never importing the facade
 * ({@code dev.broadcast.core}). The path of one broadcast, from host code to the socket:
 *
 * <ol>
 *   <li>{@code broadcaster.broadcast(event)} ({@code DispatchingBroadcaster}) asks
 *       {@code broadcasting.EventResolver} for the event's name, channels and payload JSON, checked
 *       and encoded once: a {@code ResolvedBroadcast};</li>
 *   <li>{@code broadcasting.Dispatcher} queues it (or holds it for a batch window) and its thread
 *       hands what waits to the driver's {@code sendAll};</li>
 *   <li>{@code broadcasting.LocalDriver} checks the app's limits ({@code wire.TriggerLimits}) once
 *       and calls the app's {@code engine.TriggerTarget}, the narrow entry the hub handed out;</li>
 *   <li>{@code engine.AppRuntime.trigger} encodes the Pusher frame once per channel
 *       ({@code delivery.Frames}) and {@code engine.ChannelRegistry.publish} walks the channel's
 *       subscriber snapshot;</li>
 *   <li>each {@code engine.ClientConnection} enqueues the shared frame on its bounded
 *       {@code delivery.OutboundQueue} (over the bound: closed as a slow consumer);</li>
 *   <li>the queue, one write in flight, hands frames to the adapter's {@code Transport}: one
 *       {@code send} per frame, or everything waiting in one {@code sendAll} for transports that
 *       write batches; the adapter writes the socket.</li>
 * </ol>
 *
 * <p>The other way in: an HTTP API request goes through {@code api.HttpApi} to the same
 * {@code AppRuntime.trigger}; a client frame through {@code ClientConnection.receive}. Webhooks
 * leave through {@code webhooks.Webhooks}. {@code wire} holds the protocol's shared rules (JSON,
 * signatures, channel names, trigger limits) that every other package uses.
 */
package dev.broadcast.core.internal;
