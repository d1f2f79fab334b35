/**
 * The cluster seam: how the hubs of several nodes act as one server. A {@link
 * dev.broadcast.core.cluster.ClusterBus} carries broadcasts between nodes and keeps cluster-wide
 * channel, presence and connection state; the hub it is given to is its {@link
 * dev.broadcast.core.cluster.ClusterNode}. Without a bus a hub is a single node and pays nothing
 * for this seam. {@code broadcast-redis} implements it over Redis.
 *
 * <p>This is a service-provider interface: applications configure a bus, they do not call it.
 */
package dev.broadcast.core.cluster;
