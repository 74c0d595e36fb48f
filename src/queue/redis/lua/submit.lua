-- Admission and enqueue in one step.
-- ARGV: P, eventsKey, maxEvents, now, id, serverId, userId, cost, maxLength, userMaxQueued,
-- serverMaxRunning, dailyServerImages, dailyUserImages, requestsPerMinute, dailyServerGpuSeconds,
-- gateway ('' = none), then field/JSON pairs of the JobRecord.
-- Returns {'queue-full', n} | {'user-queued', n} | {'quota', reason, used, limit, retryAt} |
-- {'ok', position, id1, priority1, ...} (the jobs to add to BullMQ now).
local ek, maxlen, now, id = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local s, u, cost = ARGV[6], ARGV[7], tonumber(ARGV[8])
local queued = redis.call('ZCARD', K('st', 'queued'))
if queued >= tonumber(ARGV[9]) then return { 'queue-full', queued } end
local uq = tonumber(redis.call('HGET', K('uqd'), SU(s, u)) or '0')
if uq >= tonumber(ARGV[10]) then return { 'user-queued', uq } end
local r = reserve(s, u, cost, now, tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]))
if r then return { 'quota', r[1], r[2], r[3], r[4] } end
for i = 17, #ARGV, 2 do redis.call('HSET', jkey(id), ARGV[i], ARGV[i + 1]) end
index_new(id, 'queued', s, u, now)
if ARGV[16] ~= '' then redis.call('SADD', K('gw', ARGV[16]), id) end
redis.call('HSET', K('cap'), s, ARGV[11])
local c = clamp_class(jget(id, 'priority'))
redis.call('HSET', jkey(id), '_cls', c)
local q = K('pq', c, SU(s, u))
if redis.call('RPUSH', q, id) == 1 then
  redis.call('RPUSH', K('ring', S(s), c), u)
  redis.call('ZADD', K('cls', S(s)), -c, c)
end
redis.call('HINCRBY', K('pcs'), c .. ':' .. s, 1)
redis.call('HINCRBY', K('pc'), c, 1)
local released = release(s, now)
local pos = position(id, waiting_counts())
emit(ek, maxlen, id, 'queued', 'position', pos)
local out = { 'ok', pos }
for _, v in ipairs(released) do out[#out + 1] = v end
return out
