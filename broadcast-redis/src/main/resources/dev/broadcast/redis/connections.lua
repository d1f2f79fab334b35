-- ARGV[3] app, ARGV[4] delta (a -1 may overtake its +1: counts below 0 are kept until it arrives)
local key = P .. ARGV[3] .. ':conns'
local n = redis.call('HINCRBY', key, NODE, tonumber(ARGV[4]))
if n == 0 then
  redis.call('HDEL', key, NODE)
  redis.call('SREM', node_key(NODE), 'n\n' .. ARGV[3])
else
  redis.call('SADD', node_key(NODE), 'n\n' .. ARGV[3])
end
return n
