-- A worker starts a job. ARGV: P, eventsKey, maxEvents, now, id, runToken, maxAttempts, restartMessage.
-- Returns {'run', rebased(0|1), field, json, ...} | {'final'} | {'missing'}.
local ek, maxlen, now, id, token = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local st = jget(id, 'status')
if not st then return { 'missing' } end
if FINAL[st] then
  redis.call('ZREM', K('ready'), id)
  return { 'final' }
end
local attempts = jget(id, 'attempts') or 0
if st == 'running' and attempts >= tonumber(ARGV[7]) then
  finish(ek, maxlen, id, now, 'failed', 'error', cjson.encode(ARGV[8]), ARGV[8])
  return { 'final' }
end
redis.call('ZREM', K('ready'), id)
local c = tonumber(redis.call('HGET', jkey(id), '_cls') or '0')
local tag = tonumber(redis.call('HGET', jkey(id), '_tag') or '0')
local vt = tonumber(redis.call('HGET', K('vt'), c) or '0')
if tag > vt then
  vt = tag
  redis.call('HSET', K('vt'), c, num(vt))
  -- A server finish tag the virtual time has caught up with says nothing more (bounded memory).
  local flat = redis.call('HGETALL', K('ltag'))
  for i = 1, #flat, 2 do
    local fc = string.match(flat[i], '^(%-?%d+):')
    if tonumber(fc) == c and tonumber(flat[i + 1]) <= vt then redis.call('HDEL', K('ltag'), flat[i]) end
  end
end
-- Keep tags inside BullMQ's priority range: move the class base up and re-key the ready jobs.
local rebased = 0
local base = tonumber(redis.call('HGET', K('base'), c) or '0')
if vt - base > REBASE_AT then
  redis.call('HSET', K('base'), c, vt - 1)
  for _, rid in ipairs(redis.call('ZRANGE', K('ready'), 0, -1)) do
    if tonumber(redis.call('HGET', jkey(rid), '_cls') or '0') == c then
      local old = tonumber(redis.call('ZSCORE', K('ready'), rid))
      local bp = bull_priority(c, tonumber(redis.call('HGET', jkey(rid), '_tag') or '0'))
      redis.call('ZADD', K('ready'), order_key(bp, old % 4194304), rid)
    end
  end
  rebased = 1
end
jset(id, 'startedAt', num(now))
jset(id, 'attempts', num(attempts + 1))
redis.call('HSET', jkey(id), '_run', token)
set_status(id, 'running')
emit(ek, maxlen, id, 'started')
local out = { 'run', rebased }
for _, v in ipairs(redis.call('HGETALL', jkey(id))) do out[#out + 1] = v end
return out
