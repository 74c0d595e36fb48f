-- ARGV: P, serverId, serverMaxRunning, now. Releases a server's jobs after its cap went up.
redis.call('HSET', K('cap'), ARGV[2], ARGV[3])
return release(ARGV[2], tonumber(ARGV[4]))
