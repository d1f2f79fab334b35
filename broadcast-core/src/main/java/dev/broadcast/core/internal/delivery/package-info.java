/**
 * Getting frames to a transport: protocol messages encoded once ({@code Frame}, {@code Frames}) and
 * each connection's bounded {@code OutboundQueue} with one write in flight.
 */
package dev.broadcast.core.internal.delivery;
