-- Keeps a cache channel's last event and publishes it, in one call.
-- ARGV[3] cache key, ARGV[4] cached JSON, ARGV[5] ttl ms, ARGV[6] pub/sub channel, ARGV[7] message
redis.call('SET', ARGV[3], ARGV[4], 'PX', ARGV[5])
return redis.call('PUBLISH', ARGV[6], ARGV[7])
