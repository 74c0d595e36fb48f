-- Ends a job that is not final, whoever runs it. ARGV: P, eventsKey, maxEvents, now, id, status,
-- field, json, message, onlyIfStarted (1: leave a job still waiting to be released alone).
-- Returns 'pending' | 'ready' | 'running' (where it was) or 'finished' / 'missing'.
local ek, maxlen, now, id = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local st = jget(id, 'status')
if not st then return 'missing' end
if FINAL[st] then return 'finished' end
local where = 'running'
if st == 'queued' then
  if redis.call('ZSCORE', K('ready'), id) then where = 'ready'
  else
    local s, u = jget(id, 'serverId'), jget(id, 'userId')
    local c = clamp_class(jget(id, 'priority'))
    local q = K('pq', c, SU(s, u))
    if redis.call('LPOS', q, id) then
      if ARGV[10] == '1' then return 'pending' end
      redis.call('LREM', q, 1, id)
      where = 'pending'
      unlink_pending(c, s, u)
    elseif redis.call('SISMEMBER', K('infl', S(s)), id) == 0 and ARGV[10] == '1' then
      return 'pending'
    end
  end
end
finish(ek, maxlen, id, now, ARGV[6], ARGV[7], ARGV[8], ARGV[9])
return where
