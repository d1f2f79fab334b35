-- ARGV[3] app, ARGV[4] channel, ARGV[5] user, ARGV[6] info JSON, ARGV[7] max members:
-- returns the outcome ('a', 'p' or 'f') followed by the roster (see roster in the prelude)
local outcome = pjoin(ARGV[3], ARGV[4], NODE, ARGV[5], ARGV[6], tonumber(ARGV[7]))
local out = roster(ARGV[3], ARGV[4])
table.insert(out, 1, outcome)
return out
