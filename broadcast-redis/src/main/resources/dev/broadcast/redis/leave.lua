-- ARGV[3] app, ARGV[4] channel, ARGV[5] user: returns 1 when the user left the cluster's roster
return pleave(ARGV[3], ARGV[4], NODE, ARGV[5])
