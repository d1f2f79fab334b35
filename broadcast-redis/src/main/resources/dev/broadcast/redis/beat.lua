-- The node's heartbeat, ARGV[3] its time to live in ms. Refreshes the node and withdraws every
-- node whose time ran out. Returns 1 or 0: whether the cluster knew this node.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local known = redis.call('ZSCORE', P .. 'nodes', NODE)
redis.call('ZADD', P .. 'nodes', now + tonumber(ARGV[3]), NODE)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now)) do
  if dead ~= NODE then
    withdraw(dead, nil)
    redis.call('DEL', node_key(dead))
    redis.call('ZREM', P .. 'nodes', dead)
  end
end
return known and 1 or 0
