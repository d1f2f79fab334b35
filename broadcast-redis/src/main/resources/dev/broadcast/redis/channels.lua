-- ARGV[3] app, ARGV[4] name prefix ('' for all), ARGV[5] a single channel or '':
-- returns channel, subscriptions, users (presence only, else 0) for each occupied channel
local app = ARGV[3]
local prefix = ARGV[4]
local names
if ARGV[5] ~= '' then
  names = {ARGV[5]}
else
  names = redis.call('SMEMBERS', P .. app .. ':channels')
end
local out = {}
for _, ch in ipairs(names) do
  if string.sub(ch, 1, #prefix) == prefix then
    local subs = subscriptions(app, ch)
    if subs > 0 then
      table.insert(out, ch)
      table.insert(out, subs)
      table.insert(out, redis.call('HLEN', P .. app .. ':p:' .. ch))
    end
  end
end
return out
