-- Takes up to ARGV[3] queued webhooks (see hook in the prelude): this node sends them.
local taken = {}
for i = 1, tonumber(ARGV[3]) do
  local item = redis.call('LPOP', P .. 'webhooks')
  if not item then
    break
  end
  table.insert(taken, item)
end
return taken
