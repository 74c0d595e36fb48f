-- Shared by every script: key helpers, job fields and indexes, events, quotas, the fair release
-- and positions. ARGV[1] is the key prefix; keys are built here, all under one {hash-tag}.
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
