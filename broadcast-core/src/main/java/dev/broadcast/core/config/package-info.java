/**
 * How a hub and a broadcaster are configured: the {@link dev.broadcast.core.config.App apps} a hub
 * hosts, their {@link dev.broadcast.core.config.Limits limits}, and the
 * {@link dev.broadcast.core.config.Scheduler} timed work runs on. Values only; no engine code.
 */
package dev.broadcast.core.config;
