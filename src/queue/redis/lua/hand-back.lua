-- A worker that stops gives its run back (graceful shutdown). ARGV: P, eventsKey, maxEvents, id,
-- runToken. The job is queued again, in its old place; the interrupted run does not count.
local ek, maxlen, id = ARGV[2], ARGV[3], ARGV[4]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[5] then return 0 end
set_status(id, 'queued')
redis.call('HDEL', jkey(id), 'startedAt', '_run')
jset(id, 'attempts', num(math.max(0, (jget(id, 'attempts') or 1) - 1)))
local c = tonumber(redis.call('HGET', jkey(id), '_cls') or '0')
local bp = bull_priority(c, tonumber(redis.call('HGET', jkey(id), '_tag') or '0'))
redis.call('ZADD', K('ready'), order_key(bp, redis.call('INCR', K('seq'))), id)
emit(ek, maxlen, id, 'queued', 'position', position(id, waiting_counts()))
return 1
