-- A job left BullMQ (ended, removed): frees its server's slot once and releases what may run now.
-- ARGV: P, id, serverId, serverMaxRunning ('' = keep), now. Returns {id1, priority1, ...}.
local id, s = ARGV[2], ARGV[3]
if ARGV[4] ~= '' then redis.call('HSET', K('cap'), s, ARGV[4]) end
redis.call('SREM', K('infl', S(s)), id)
return release(s, tonumber(ARGV[5]))
