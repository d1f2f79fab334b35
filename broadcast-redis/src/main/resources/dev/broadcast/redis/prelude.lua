-- Shared by every script of the Redis bus. Keys, with P the deployment's prefix and A an app id:
--   P..'nodes'                zset  node id -> expiry (ms); a node refreshes its own entry
--   P..'node:'..id            set   what the node holds: 'c\nA\nchannel', 'p\nA\nchannel\nuser', 'n\nA'
--   P..A..':channels'         set   occupied channels
--   P..A..':c:'..channel      hash  node id -> its subscriptions to the channel
--   P..A..':p:'..channel      hash  user id -> user_info JSON (the cluster's roster)
--   P..A..':po:'..channel     zset  user id -> the sequence number it joined at (roster order)
--   P..A..':pn:'..ch..':'..u  set   the nodes holding user u in the channel
--   P..A..':seq:'..channel    int   the channel's last roster change
--   P..A..':cache:'..channel  JSON  a cache channel's last event
--   P..A..':conns'            hash  node id -> its connections
--   P..'webhooks'             list  webhooks of cluster-wide transitions, each taken (and sent) by one node
-- Pub/sub: P..A..':e:'..channel carries the channel's events and roster changes; P..'ctl' the rest.
-- Every script gets ARGV[1] = P and ARGV[2] = the calling node's id.
local P = ARGV[1]
local NODE = ARGV[2]
local SEQ_TTL = 86400000
-- set by a script that rebuilds state Redis lost: its transitions are not news, so no webhooks
local QUIET = false

-- Queues the webhook of a cluster-wide transition; whichever node takes it from the list sends it.
local function hook(app, name, ch, user)
  if not QUIET then
    redis.call('RPUSH', P .. 'webhooks', cjson.encode({a = app, n = name, c = ch, u = user or ''}))
  end
end

local function node_key(node)
  return P .. 'node:' .. node
end

-- Changes node's subscription count of a channel to n (absolute) or by n. A count may go below 0
-- for a moment when a node's -1 overtakes its +1; only counts above 0 occupy. Returns 'o' when
-- the channel became occupied cluster-wide, 'v' when vacated, '' otherwise.
local function count(app, ch, node, n, absolute)
  local key = P .. app .. ':c:' .. ch
  local entry = 'c\n' .. app .. '\n' .. ch
  local before = tonumber(redis.call('HGET', key, node) or '0')
  local after = absolute and n or before + n
  if after == 0 then
    redis.call('HDEL', key, node)
    redis.call('SREM', node_key(node), entry)
  else
    redis.call('HSET', key, node, after)
    redis.call('SADD', node_key(node), entry)
  end
  if before <= 0 and after > 0 then
    if redis.call('SADD', P .. app .. ':channels', ch) == 1 then
      hook(app, 'channel_occupied', ch)
      return 'o'
    end
  elseif before > 0 and after <= 0 then
    for _, other in ipairs(redis.call('HVALS', key)) do
      if tonumber(other) > 0 then
        return ''
      end
    end
    if redis.call('SREM', P .. app .. ':channels', ch) == 1 then
      hook(app, 'channel_vacated', ch)
      return 'v'
    end
  end
  return ''
end

local function next_seq(app, ch)
  local key = P .. app .. ':seq:' .. ch
  local seq = redis.call('INCR', key)
  redis.call('PEXPIRE', key, SEQ_TTL)
  return seq
end

-- node holds user in a presence channel; returns 'a' when the user is new to the cluster's
-- roster (published to the channel), 'p' when already present, 'f' when max (>= 0) is reached.
local function pjoin(app, ch, node, user, info, max)
  local roster = P .. app .. ':p:' .. ch
  local present = redis.call('HEXISTS', roster, user) == 1
  if not present and max >= 0 and redis.call('HLEN', roster) >= max then
    return 'f'
  end
  redis.call('SADD', P .. app .. ':pn:' .. ch .. ':' .. user, node)
  redis.call('SADD', node_key(node), 'p\n' .. app .. '\n' .. ch .. '\n' .. user)
  if present then
    return 'p'
  end
  local seq = next_seq(app, ch)
  redis.call('HSET', roster, user, info)
  redis.call('ZADD', P .. app .. ':po:' .. ch, seq, user)
  redis.call('PUBLISH', P .. app .. ':e:' .. ch, cjson.encode({t = 'a', s = seq, u = user, i = info}))
  hook(app, 'member_added', ch, user)
  return 'a'
end

-- node no longer holds user in a presence channel; returns 1 when that removed the user from the
-- cluster's roster (published to the channel).
local function pleave(app, ch, node, user)
  redis.call('SREM', node_key(node), 'p\n' .. app .. '\n' .. ch .. '\n' .. user)
  local holders = P .. app .. ':pn:' .. ch .. ':' .. user
  if redis.call('SREM', holders, node) == 0 or redis.call('SCARD', holders) > 0 then
    return 0
  end
  local roster = P .. app .. ':p:' .. ch
  if redis.call('HDEL', roster, user) == 0 then
    return 0
  end
  redis.call('ZREM', P .. app .. ':po:' .. ch, user)
  local seq = next_seq(app, ch)
  redis.call('PUBLISH', P .. app .. ':e:' .. ch, cjson.encode({t = 'r', s = seq, u = user}))
  hook(app, 'member_removed', ch, user)
  return 1
end

-- Splits a node entry into kind, app, channel and user (the user is last: it may hold anything).
local function parse_entry(entry)
  local a = string.find(entry, '\n', 1, true)
  local b = string.find(entry, '\n', a + 1, true)
  if not b then
    return string.sub(entry, 1, a - 1), string.sub(entry, a + 1), nil, nil
  end
  local c = string.find(entry, '\n', b + 1, true)
  local kind = string.sub(entry, 1, a - 1)
  local app = string.sub(entry, a + 1, b - 1)
  if not c then
    return kind, app, string.sub(entry, b + 1), nil
  end
  return kind, app, string.sub(entry, b + 1, c - 1), string.sub(entry, c + 1)
end

-- Withdraws the entries of node that keep(entry) rejects (all when keep is nil): members first,
-- then subscriptions, each with its webhooks.
local function withdraw(node, keep)
  local entries = redis.call('SMEMBERS', node_key(node))
  for _, entry in ipairs(entries) do
    local kind, app, ch, user = parse_entry(entry)
    if kind == 'p' and not (keep and keep(entry)) then
      pleave(app, ch, node, user)
    end
  end
  for _, entry in ipairs(entries) do
    local kind, app, ch = parse_entry(entry)
    if not (keep and keep(entry)) then
      if kind == 'c' then
        count(app, ch, node, 0, true)
      elseif kind == 'n' then
        redis.call('HDEL', P .. app .. ':conns', node)
        redis.call('SREM', node_key(node), entry)
      end
    end
  end
end

-- The roster of a presence channel: seq, then user id and info pairs in join order.
local function roster(app, ch)
  local out = {tonumber(redis.call('GET', P .. app .. ':seq:' .. ch) or '0')}
  local users = redis.call('ZRANGE', P .. app .. ':po:' .. ch, 0, -1)
  if #users > 0 then
    local infos = redis.call('HMGET', P .. app .. ':p:' .. ch, unpack(users))
    for i, user in ipairs(users) do
      table.insert(out, user)
      table.insert(out, infos[i] or 'null')
    end
  end
  return out
end

-- Subscriptions to a channel on every node.
local function subscriptions(app, ch)
  local total = 0
  for _, n in ipairs(redis.call('HVALS', P .. app .. ':c:' .. ch)) do
    if tonumber(n) > 0 then
      total = total + tonumber(n)
    end
  end
  return total
end
