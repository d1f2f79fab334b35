-- ARGV[3] app, ARGV[4] channel, ARGV[5] delta: returns 'o', 'v' or ''
return count(ARGV[3], ARGV[4], NODE, tonumber(ARGV[5]), false)
