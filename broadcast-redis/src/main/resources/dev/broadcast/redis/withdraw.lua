-- This node leaves the cluster (a clean shutdown): everything it held is withdrawn.
withdraw(NODE, nil)
redis.call('DEL', node_key(NODE))
redis.call('ZREM', P .. 'nodes', NODE)
return 1
