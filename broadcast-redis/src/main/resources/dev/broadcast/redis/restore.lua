-- Announces this node's whole state of one app again, after the cluster lost it or missed some
-- of it: ARGV[3] is {"a":app,"n":connections,"c":{channel:count},"p":{channel:[[user,info],...]}},
-- ARGV[4] '1' when Redis lost the state (its transitions are then not news: no webhooks).
-- Entries the node no longer has are withdrawn.
local state = cjson.decode(ARGV[3])
local app = state.a
QUIET = ARGV[4] == '1'
local want = {}
if state.n > 0 then
  want['n\n' .. app] = true
  redis.call('HSET', P .. app .. ':conns', NODE, state.n)
  redis.call('SADD', node_key(NODE), 'n\n' .. app)
end
for ch, members in pairs(state.p) do
  for _, m in ipairs(members) do
    want['p\n' .. app .. '\n' .. ch .. '\n' .. m[1]] = true
    pjoin(app, ch, NODE, m[1], m[2], -1)
  end
end
for ch, n in pairs(state.c) do
  want['c\n' .. app .. '\n' .. ch] = true
  count(app, ch, NODE, n, true)
end
withdraw(NODE, function(entry)
  local _, entry_app = parse_entry(entry)
  return entry_app ~= app or want[entry]
end)
return 1
