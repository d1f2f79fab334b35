-- This node leaves the cluster (a clean shutdown): everything it held is withdrawn.
-- Returns the webhooks this caused (see withdraw in the prelude).
local out = {}
withdraw(NODE, nil, out)
redis.call('DEL', node_key(NODE))
redis.call('ZREM', P .. 'nodes', NODE)
return out
