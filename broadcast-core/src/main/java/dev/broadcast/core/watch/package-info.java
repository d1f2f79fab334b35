/**
 * Watching a hub's apps live: {@link dev.broadcast.core.watch.Activity}, what
 * {@code BroadcastHub.watch} reports.
 */
package dev.broadcast.core.watch;
