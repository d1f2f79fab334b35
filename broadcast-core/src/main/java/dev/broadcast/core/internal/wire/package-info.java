/**
 * The protocol's shared rules, used by every other internal package and importing none of them:
 * JSON ({@code Json}), signatures ({@code Signatures}), channel names beyond the public ones
 * ({@code ChannelNames}) and the limits of a trigger ({@code TriggerLimits}).
 */
package dev.broadcast.core.internal.wire;
