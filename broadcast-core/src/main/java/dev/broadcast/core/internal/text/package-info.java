/**
 * How values appear in messages and logs ({@code Urls}): used by the public configuration as well
 * as the internals, so it imports neither.
 */
package dev.broadcast.core.internal.text;
