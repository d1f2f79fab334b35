/**
 * What transport adapters implement and call: a WebSocket connection is a
 * {@link dev.broadcast.core.transport.Transport} (where the engine writes) paired with a
 * {@link dev.broadcast.core.transport.Connection} (what the adapter feeds), opened with a
 * {@link dev.broadcast.core.transport.ConnectRequest}; an HTTP API request is an
 * {@link dev.broadcast.core.transport.ApiExchange}. {@link dev.broadcast.core.transport.CloseCodes}
 * and {@link dev.broadcast.core.transport.SocketIds} are the protocol's codes and ids.
 */
package dev.broadcast.core.transport;
