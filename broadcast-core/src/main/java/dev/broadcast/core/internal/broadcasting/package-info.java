/**
 * Host-side broadcasting: event resolution ({@code EventResolver}) and notification resolution
 * ({@code NotificationResolver}), both reading channel templates with {@code ChannelTemplate}; the dispatcher and its batch
 * window ({@code Dispatcher}, {@code WindowTimer}), throttled buffers ({@code Buffers},
 * {@code ThrottledBuffer} and its two kinds) and the drivers the facade hands out.
 */
package dev.broadcast.core.internal.broadcasting;
