/**
 * Several hubs as one cluster over Redis 6.2+ or Valkey: {@link dev.broadcast.redis.RedisBus}
 * implements the core's {@link dev.broadcast.core.cluster.ClusterBus} with Lettuce.
 */
package dev.broadcast.redis;
