-- ARGV: P, serverId, ms, at. UsageLedger.addGpuTime: worker time on the server's counters of the UTC day `at` falls in.
local day = math.floor(tonumber(ARGV[4]) / 86400000)
local uk = K('usage', day, S(ARGV[2]))
redis.call('HINCRBY', uk, 'g', math.floor(tonumber(ARGV[3]) + 0.5))
redis.call('PEXPIRE', uk, 3 * 86400000)
return 1
