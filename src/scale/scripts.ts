/**
 * The Lua scripts that make every multi-key step of the Redis backend atomic: admission (queue
 * length, jobs waiting per user, the per-minute rate and the daily quotas, counted and recorded in
 * one step), the fair order in which a server's waiting jobs are handed to BullMQ, each state
 * change of a job with its indexes, and the job events written to BullMQ's event stream in the
 * same step as the state they announce (so a result is announced exactly once).
 *
 * Every script gets ARGV[1] = key prefix and ARGV[2..] as documented on it; keys are built inside
 * (all under one `{hash-tag}` prefix, so they live in one cluster slot).
 *
 * Data (P = prefix):
 *   P:job:<id>          hash, one field per JobRecord field holding its JSON, plus _cls (class),
 *                       _tag (fair-queueing tag), _run (token of the current run), _rel (released at),
 *                       _exp (images expired at)
 *   P:st:<status>       zset of job ids by createdAt, one per status
 *   P:uopen:<s>:<u>     zset of a user's queued and running jobs; P:uall:<s>:<u> all of them
 *   P:uqd               hash <s>:<u> → the user's queued jobs
 *   P:fin               zset of finished jobs by finishedAt whose images are kept
 *   P:cls:<s>           zset of priority classes with jobs of the server waiting to be released
 *   P:ring:<s>:<c>      list of users of the server with waiting jobs in class c (head: next turn)
 *   P:pq:<c>:<s>:<u>    list of a user's waiting jobs (not yet handed to BullMQ)
 *   P:pn / P:pc         hash server → / class → jobs waiting to be released
 *   P:infl:<s>          set of the server's jobs handed to BullMQ and not settled (its running slots)
 *   P:cap               hash server → server_max_running
 *   P:ltag              hash <c>:<s> → the server's last tag; P:vt / P:base hash class → virtual time / base
 *   P:ready             zset of jobs handed to BullMQ and not started, by their BullMQ order
 *   P:seq               counter
 *   P:rate:<s>:<u>      zset of the user's requests in the last minute
 *   P:usage:<day>:<s>   hash s → the server's images that UTC day, u:<user> → the user's
 *   P:gw:<instance>     set of jobs whose final event that gateway has not handled yet
 *   P:conf              hash of tunables (rebase_at)
 * (<s>:<u> stands for a length-prefixed pair, so ids with ':' in them cannot collide.)
 */

const PRELUDE = `
local P = ARGV[1]
local function K(...) return P .. ':' .. table.concat({...}, ':') end
local function S(s) return #s .. ':' .. s end
local function SU(s, u) return #s .. ':' .. s .. ':' .. u end
local function num(x) return string.format('%.17g', x) end
local function jkey(id) return K('job', id) end
local function jget(id, f)
  local v = redis.call('HGET', jkey(id), f)
  if not v then return nil end
  return cjson.decode(v)
end
local function jset(id, f, v) redis.call('HSET', jkey(id), f, v) end
local FINAL = { done = true, failed = true, cancelled = true }
local SPAN, CMAX = 299593, 3
-- Tags may run this far past a class base before it moves (P:conf rebase_at lowers it in tests).
local REBASE_AT = tonumber(redis.call('HGET', K('conf'), 'rebase_at') or '150000')

local function clamp_class(p)
  p = math.floor(tonumber(p) or 0)
  if p > CMAX then return CMAX end
  if p < -CMAX then return -CMAX end
  return p
end

-- BullMQ priority: higher classes first, then the fair-queueing tag relative to the class base.
local function bull_priority(c, tag)
  local base = tonumber(redis.call('HGET', K('base'), c) or '0')
  local off = tag - base
  if off < 0 then off = 0 end
  if off > SPAN - 1 then off = SPAN - 1 end
  return 1 + (CMAX - c) * SPAN + off
end
local function order_key(bp, seq) return bp * 4194304 + (seq % 4194304) end

local function set_status(id, new)
  local old = jget(id, 'status')
  local s, u = jget(id, 'serverId'), jget(id, 'userId')
  local created = jget(id, 'createdAt') or 0
  if old then redis.call('ZREM', K('st', old), id) end
  redis.call('ZADD', K('st', new), created, id)
  if old == 'queued' and new ~= 'queued' then redis.call('HINCRBY', K('uqd'), SU(s, u), -1) end
  if new == 'queued' and old ~= 'queued' then redis.call('HINCRBY', K('uqd'), SU(s, u), 1) end
  if new == 'queued' or new == 'running' then
    redis.call('ZADD', K('uopen', SU(s, u)), created, id)
  else
    redis.call('ZREM', K('uopen', SU(s, u)), id)
  end
  if FINAL[new] then
    local fin = jget(id, 'finishedAt')
    if fin and not redis.call('HGET', jkey(id), '_exp') then redis.call('ZADD', K('fin'), fin, id) end
  else
    redis.call('ZREM', K('fin'), id)
  end
  jset(id, 'status', cjson.encode(new))
end

local function emit(ek, maxlen, id, typ, ...)
  redis.call('XADD', ek, 'MAXLEN', '~', maxlen, '*', 'event', 'imagine', 'jobId', id, 'type', typ, ...)
end

local function refund(s, u, cost, createdAt)
  if cost <= 0 then return end
  local key = K('usage', math.floor(createdAt / 86400000), S(s))
  for _, f in ipairs({ 's', 'u:' .. u }) do
    local v = tonumber(redis.call('HGET', key, f) or '0') - cost
    if v < 0 then v = 0 end
    redis.call('HSET', key, f, v)
  end
end

-- Sets a final state (and what goes with it) on a job that is not final yet.
local function finish(ek, maxlen, id, now, status, field, value, message)
  jset(id, 'finishedAt', num(now))
  if field ~= '' then jset(id, field, value) end
  set_status(id, status)
  redis.call('ZREM', K('ready'), id)
  if status ~= 'done' then
    refund(jget(id, 'serverId'), jget(id, 'userId'), jget(id, 'cost') or 0, jget(id, 'createdAt') or now)
  end
  if status == 'failed' then emit(ek, maxlen, id, 'failed', 'message', message)
  else emit(ek, maxlen, id, status) end
end

-- Checks the per-minute rate and both daily quotas; records the request and the cost only when all pass.
local function reserve(s, u, cost, now, dS, dU, rpm)
  local rk = K('rate', SU(s, u))
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - 60000)
  if rpm > 0 then
    local n = redis.call('ZCARD', rk)
    if n >= rpm then
      local oldest = redis.call('ZRANGE', rk, 0, 0, 'WITHSCORES')[2]
      return { 'rate', n, rpm, tonumber(oldest) + 60000 }
    end
  end
  local day = math.floor(now / 86400000)
  local resets = (day + 1) * 86400000
  local uk = K('usage', day, S(s))
  if dS > 0 then
    local used = tonumber(redis.call('HGET', uk, 's') or '0')
    if used + cost > dS then return { 'quota-server', used, dS, resets } end
  end
  if dU > 0 then
    local used = tonumber(redis.call('HGET', uk, 'u:' .. u) or '0')
    if used + cost > dU then return { 'quota-user', used, dU, resets } end
  end
  redis.call('ZADD', rk, now, num(now) .. ':' .. redis.call('INCR', K('seq')))
  redis.call('PEXPIRE', rk, 61000)
  if cost > 0 then
    redis.call('HINCRBY', uk, 's', cost)
    redis.call('HINCRBY', uk, 'u:' .. u, cost)
    redis.call('PEXPIRE', uk, 3 * 86400000)
  end
  return false
end

-- Hands the server's next waiting jobs to BullMQ while it has free running slots: highest class
-- first, the users of the server in turn. Returns {id, bullPriority, ...} for the caller to add.
local function release(s, now)
  local cap = tonumber(redis.call('HGET', K('cap'), s) or '1')
  local infl = K('infl', S(s))
  local out = {}
  while redis.call('SCARD', infl) < cap do
    local top = redis.call('ZRANGE', K('cls', S(s)), 0, 0)[1]
    if not top then break end
    local c = tonumber(top)
    local ring = K('ring', S(s), c)
    local u = redis.call('LINDEX', ring, 0)
    local q = K('pq', c, SU(s, u))
    local id = redis.call('LPOP', q)
    if redis.call('LLEN', q) == 0 then redis.call('LPOP', ring) else redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT') end
    if redis.call('LLEN', ring) == 0 then redis.call('ZREM', K('cls', S(s)), top) end
    if redis.call('HINCRBY', K('pn'), s, -1) <= 0 then redis.call('HDEL', K('pn'), s) end
    redis.call('HINCRBY', K('pc'), c, -1)
    local lt = tonumber(redis.call('HGET', K('ltag'), c .. ':' .. s) or '0')
    local vt = tonumber(redis.call('HGET', K('vt'), c) or '0')
    local tag = math.max(lt, vt) + 1
    redis.call('HSET', K('ltag'), c .. ':' .. s, tag)
    local bp = bull_priority(c, tag)
    redis.call('ZADD', K('ready'), order_key(bp, redis.call('INCR', K('seq'))), id)
    redis.call('SADD', infl, id)
    redis.call('HSET', jkey(id), '_tag', tag, '_rel', num(now))
    out[#out + 1] = id
    out[#out + 1] = bp
  end
  return out
end

-- 1-based place of a queued job if nothing else arrived and no server were at its cap (the same
-- assumptions as FairScheduler.position); false when it is not queued.
local function position(id, waiting)
  if jget(id, 'status') ~= 'queued' then return false end
  local r = redis.call('ZRANK', K('ready'), id)
  if r then return r + 1 end
  local ahead = redis.call('ZCARD', K('ready'))
  local s, u = jget(id, 'serverId'), jget(id, 'userId')
  local c = clamp_class(jget(id, 'priority'))
  for cls, n in pairs(waiting.classes) do
    if cls > c then ahead = ahead + n end
  end
  local k = redis.call('LPOS', K('pq', c, SU(s, u)), id)
  if not k then return ahead + 1 end
  -- m: jobs of the same server released before this one (its users take turns, one job a turn).
  local m = k
  local before = true
  for _, x in ipairs(redis.call('LRANGE', K('ring', S(s), c), 0, -1)) do
    if x == u then before = false
    else
      local n = redis.call('LLEN', K('pq', c, SU(s, x)))
      m = m + math.min(n, before and k + 1 or k)
    end
  end
  -- Every other server gets one job a turn; those with fewer turns so far go first.
  local mine = tonumber(redis.call('HGET', K('ltag'), c .. ':' .. s) or '0')
  for s2, n in pairs(waiting.servers) do
    if s2 ~= s then
      local t = tonumber(redis.call('HGET', K('ltag'), c .. ':' .. s2) or '0')
      ahead = ahead + math.min(n, t < mine and m + 1 or m)
    end
  end
  return ahead + m + 1
end

local function waiting_counts()
  local w = { servers = {}, classes = {} }
  local flat = redis.call('HGETALL', K('pn'))
  for i = 1, #flat, 2 do w.servers[flat[i]] = tonumber(flat[i + 1]) end
  flat = redis.call('HGETALL', K('pc'))
  for i = 1, #flat, 2 do w.classes[tonumber(flat[i])] = tonumber(flat[i + 1]) end
  return w
end

local function index_new(id, status, s, u, created)
  redis.call('ZADD', K('st', status), created, id)
  redis.call('ZADD', K('uall', SU(s, u)), created, id)
  if status == 'queued' then redis.call('HINCRBY', K('uqd'), SU(s, u), 1) end
  if status == 'queued' or status == 'running' then redis.call('ZADD', K('uopen', SU(s, u)), created, id) end
  if FINAL[status] then
    local fin = jget(id, 'finishedAt')
    if fin then redis.call('ZADD', K('fin'), fin, id) end
  end
end
`;

function script(body: string): string {
  return `${PRELUDE}\n${body}`;
}

/**
 * ARGV: P, id, then field/JSON pairs of a whole JobRecord. Stores a job (JobStore.insert); returns
 * 0 when the id exists.
 */
export const INSERT_JOB = script(`
local id = ARGV[2]
if redis.call('EXISTS', jkey(id)) == 1 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', jkey(id), ARGV[i], ARGV[i + 1]) end
index_new(id, jget(id, 'status'), jget(id, 'serverId'), jget(id, 'userId'), jget(id, 'createdAt') or 0)
return 1
`);

/**
 * ARGV: P, id, then field/JSON pairs where an empty JSON deletes the field. Merges a patch into a
 * stored job and keeps the indexes in step with a new status (JobStore.update).
 */
export const UPDATE_JOB = script(`
local id = ARGV[2]
if redis.call('EXISTS', jkey(id)) == 0 then return 0 end
local status = nil
for i = 3, #ARGV, 2 do
  local f, v = ARGV[i], ARGV[i + 1]
  if f == 'status' then status = cjson.decode(v)
  elseif v == '' then redis.call('HDEL', jkey(id), f)
  else redis.call('HSET', jkey(id), f, v) end
end
if status then set_status(id, status)
elseif FINAL[jget(id, 'status')] and jget(id, 'finishedAt') and not redis.call('HGET', jkey(id), '_exp') then
  redis.call('ZADD', K('fin'), jget(id, 'finishedAt'), id)
end
return 1
`);

/** ARGV: P, now, then ids. Marks jobs whose images retention deleted. */
export const MARK_EXPIRED = script(`
for i = 3, #ARGV do
  if redis.call('EXISTS', jkey(ARGV[i])) == 1 then
    redis.call('HSET', jkey(ARGV[i]), '_exp', ARGV[2])
    redis.call('ZREM', K('fin'), ARGV[i])
  end
end
return 1
`);

/**
 * ARGV: P, serverId, userId, cost, now, dailyServerImages, dailyUserImages, requestsPerMinute.
 * UsageLedger.reserve: false when granted, else {reason, used, limit, retryAt}.
 */
export const RESERVE = script(`
local r = reserve(ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]))
if r then return r end
return 0
`);

/** ARGV: P, serverId, userId, cost, createdAt. */
export const REFUND = script(`
refund(ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
return 1
`);

/**
 * Admission and enqueue in one step.
 * ARGV: P, eventsKey, maxEvents, now, id, serverId, userId, cost, maxLength, userMaxQueued,
 * serverMaxRunning, dailyServerImages, dailyUserImages, requestsPerMinute, gateway ('' = none),
 * then field/JSON pairs of the JobRecord.
 * Returns {'queue-full', n} | {'user-queued', n} | {'quota', reason, used, limit, retryAt} |
 * {'ok', position, id1, priority1, ...} (the jobs to add to BullMQ now).
 */
export const SUBMIT = script(`
local ek, maxlen, now, id = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local s, u, cost = ARGV[6], ARGV[7], tonumber(ARGV[8])
local queued = redis.call('ZCARD', K('st', 'queued'))
if queued >= tonumber(ARGV[9]) then return { 'queue-full', queued } end
local uq = tonumber(redis.call('HGET', K('uqd'), SU(s, u)) or '0')
if uq >= tonumber(ARGV[10]) then return { 'user-queued', uq } end
local r = reserve(s, u, cost, now, tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]))
if r then return { 'quota', r[1], r[2], r[3], r[4] } end
for i = 16, #ARGV, 2 do redis.call('HSET', jkey(id), ARGV[i], ARGV[i + 1]) end
index_new(id, 'queued', s, u, now)
if ARGV[15] ~= '' then redis.call('SADD', K('gw', ARGV[15]), id) end
redis.call('HSET', K('cap'), s, ARGV[11])
local c = clamp_class(jget(id, 'priority'))
redis.call('HSET', jkey(id), '_cls', c)
local q = K('pq', c, SU(s, u))
if redis.call('RPUSH', q, id) == 1 then
  redis.call('RPUSH', K('ring', S(s), c), u)
  redis.call('ZADD', K('cls', S(s)), -c, c)
end
redis.call('HINCRBY', K('pn'), s, 1)
redis.call('HINCRBY', K('pc'), c, 1)
local released = release(s, now)
local pos = position(id, waiting_counts())
emit(ek, maxlen, id, 'queued', 'position', pos)
local out = { 'ok', pos }
for _, v in ipairs(released) do out[#out + 1] = v end
return out
`);

/** ARGV: P, then ids. Their places (0 when not queued). */
export const POSITIONS = script(`
local w = waiting_counts()
local out = {}
for i = 2, #ARGV do out[#out + 1] = position(ARGV[i], w) or 0 end
return out
`);

/**
 * A worker starts a job. ARGV: P, eventsKey, maxEvents, now, id, runToken, maxAttempts, restartMessage.
 * Returns {'run', rebased(0|1), field, json, ...} | {'final'} | {'missing'}.
 */
export const START = script(`
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
if tag > vt then vt = tag; redis.call('HSET', K('vt'), c, vt) end
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
`);

/** ARGV: P, eventsKey, maxEvents, id, runToken, step, total. A progress event of a run that still owns its job. */
export const PROGRESS = script(`
local id = ARGV[4]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[5] then return 0 end
emit(ARGV[2], ARGV[3], id, 'progress', 'step', ARGV[6], 'total', ARGV[7])
return 1
`);

/**
 * A run ends. ARGV: P, eventsKey, maxEvents, now, id, runToken, status, field ('output'|'error'|''),
 * json, message. Only the run that owns the job can end it, once: returns 1, or 0 (already ended).
 */
export const FINISH = script(`
local id = ARGV[5]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[6] then return 0 end
finish(ARGV[2], ARGV[3], id, tonumber(ARGV[4]), ARGV[7], ARGV[8], ARGV[9], ARGV[10])
return 1
`);

/**
 * Ends a job that is not final, whoever runs it. ARGV: P, eventsKey, maxEvents, now, id, status,
 * field, json, message, onlyIfStarted (1: leave a job still waiting to be released alone).
 * Returns 'pending' | 'ready' | 'running' (where it was) or 'finished' / 'missing'.
 */
export const END = script(`
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
    if redis.call('LREM', q, 1, id) == 1 then
      if ARGV[10] == '1' then
        redis.call('RPUSH', q, id)
        return 'pending'
      end
      where = 'pending'
      if redis.call('LLEN', q) == 0 then
        redis.call('LREM', K('ring', S(s), c), 1, u)
        if redis.call('LLEN', K('ring', S(s), c)) == 0 then redis.call('ZREM', K('cls', S(s)), c) end
      end
      if redis.call('HINCRBY', K('pn'), s, -1) <= 0 then redis.call('HDEL', K('pn'), s) end
      redis.call('HINCRBY', K('pc'), c, -1)
    elseif redis.call('SISMEMBER', K('infl', S(s)), id) == 0 and ARGV[10] == '1' then
      return 'pending'
    end
  end
end
finish(ek, maxlen, id, now, ARGV[6], ARGV[7], ARGV[8], ARGV[9])
return where
`);

/**
 * A worker that stops gives its run back (graceful shutdown). ARGV: P, eventsKey, maxEvents, id,
 * runToken. The job is queued again, in its old place; the interrupted run does not count.
 */
export const HAND_BACK = script(`
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
`);

/**
 * A job left BullMQ (ended, removed): frees its server's slot once and releases what may run now.
 * ARGV: P, id, serverId, serverMaxRunning ('' = keep), now. Returns {id1, priority1, ...}.
 */
export const SETTLE = script(`
local id, s = ARGV[2], ARGV[3]
if ARGV[4] ~= '' then redis.call('HSET', K('cap'), s, ARGV[4]) end
redis.call('SREM', K('infl', S(s)), id)
return release(s, tonumber(ARGV[5]))
`);

/** ARGV: P, serverId, serverMaxRunning, now. Releases a server's jobs after its cap went up. */
export const RELEASE = script(`
redis.call('HSET', K('cap'), ARGV[2], ARGV[3])
return release(ARGV[2], tonumber(ARGV[4]))
`);

/** ARGV: P, then ids. Each ready job's BullMQ priority as it should be now (after a rebase). */
export const READY_PRIORITIES = script(`
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZSCORE', K('ready'), id) then
    local c = tonumber(redis.call('HGET', jkey(id), '_cls') or '0')
    out[#out + 1] = id
    out[#out + 1] = bull_priority(c, tonumber(redis.call('HGET', jkey(id), '_tag') or '0'))
  end
end
return out
`);

export const SCRIPTS = {
  imagineInsert: INSERT_JOB,
  imagineUpdate: UPDATE_JOB,
  imagineMarkExpired: MARK_EXPIRED,
  imagineReserve: RESERVE,
  imagineRefund: REFUND,
  imagineSubmit: SUBMIT,
  imaginePositions: POSITIONS,
  imagineStart: START,
  imagineProgress: PROGRESS,
  imagineFinish: FINISH,
  imagineEnd: END,
  imagineHandBack: HAND_BACK,
  imagineSettle: SETTLE,
  imagineRelease: RELEASE,
  imagineReadyPriorities: READY_PRIORITIES,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
