/** Webhooks ({@code Webhooks}): signed posts off the I/O threads, batched per app, retried with backoff. */
package dev.broadcast.core.internal.webhooks;
