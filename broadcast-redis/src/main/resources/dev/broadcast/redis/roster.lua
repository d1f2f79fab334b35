-- ARGV[3] app, ARGV[4] channel
return roster(ARGV[3], ARGV[4])
