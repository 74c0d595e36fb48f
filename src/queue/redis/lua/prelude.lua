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
-- Filled in by scripts.ts: BullMQ priorities span (2·CMAX + 1) classes of SPAN values each.
local SPAN, CMAX = {{PRIORITY_SPAN}}, {{MAX_CLASS}}
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
  if old == 'queued' and new ~= 'queued' then
    -- A user with nothing waiting leaves no field behind.
    if redis.call('HINCRBY', K('uqd'), SU(s, u), -1) <= 0 then redis.call('HDEL', K('uqd'), SU(s, u)) end
  end
  if new == 'queued' and old ~= 'queued' then redis.call('HINCRBY', K('uqd'), SU(s, u), 1) end
  if new == 'queued' or new == 'running' then
    redis.call('ZADD', K('uopen', SU(s, u)), created, id)
  else
    redis.call('ZREM', K('uopen', SU(s, u)), id)
  end
  if FINAL[new] then
    local fin = jget(id, 'finishedAt')
    if fin then redis.call('ZADD', K('fin'), fin, id) end
    -- Retention deletes finished jobs; the TTL (a day past it) is the backstop if it never runs.
    local ttl = tonumber(redis.call('HGET', K('conf'), 'job_ttl_ms') or '0')
    if ttl > 0 then redis.call('PEXPIRE', jkey(id), ttl) end
  else
    redis.call('ZREM', K('fin'), id)
    redis.call('PERSIST', jkey(id))
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
local function reserve(s, u, cost, now, dS, dU, rpm, dG)
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
  -- daily_server_gpu_seconds: worker time (ms, field g) the server's finished jobs took today.
  if dG > 0 then
    local used = tonumber(redis.call('HGET', uk, 'g') or '0')
    if used >= dG * 1000 then return { 'quota-gpu', used, dG * 1000, resets } end
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

-- The fair order (the same as src/queue/fair-scheduler.ts; see there): start-time fair queueing
-- across the servers of a class, and inside a server across its users; a job costs its weight.
--   P:vt      hash class → the largest start tag of that class that has started
--   P:ltag    hash c:s → the server's finish tag (kept while ahead of the class's virtual time)
--   P:uvt     hash c:S(s) → the server's user time; P:utag:<c>:S(s) hash user → finish tag
--   P:pc      hash class → jobs waiting to be released; P:pcs hash c:s → the same per server
-- A job's cost in the order (fairWeight; 1 for jobs stored before weights), read once per script call.
local WEIGHTS = {}
local function weight_of(id)
  local w = WEIGHTS[id]
  if not w then
    w = tonumber(jget(id, 'weight')) or 1
    WEIGHTS[id] = w
  end
  return w
end

local function server_start(c, s)
  local vt = tonumber(redis.call('HGET', K('vt'), c) or '0')
  return math.max(vt, tonumber(redis.call('HGET', K('ltag'), c .. ':' .. s) or '0'))
end

local function user_start(c, s, u)
  local uvt = tonumber(redis.call('HGET', K('uvt'), c .. ':' .. S(s)) or '0')
  return math.max(uvt, tonumber(redis.call('HGET', K('utag', c, S(s)), u) or '0'))
end

-- The server's waiting jobs of class c in the order they would be released (FairScheduler.releaseOrder):
-- its users by start tag, ties to the user waiting longest. visit(id, weight) for each until it returns true.
local function walk_release_order(c, s, visit)
  local users = {}
  for rank, x in ipairs(redis.call('LRANGE', K('ring', S(s), c), 0, -1)) do
    users[#users + 1] = { tag = user_start(c, s, x), rank = rank, ids = redis.call('LRANGE', K('pq', c, SU(s, x)), 0, -1), i = 1 }
  end
  while true do
    local best
    for _, x in ipairs(users) do
      if x.i <= #x.ids and (not best or x.tag < best.tag or (x.tag == best.tag and x.rank < best.rank)) then best = x end
    end
    if not best then return end
    local id = best.ids[best.i]
    local w = weight_of(id)
    if visit(id, w) then return end
    best.i = best.i + 1
    best.tag = best.tag + w
  end
end

-- A waiting job of the server left (released or cancelled): counts, and the server's user clock
-- once nothing of it waits and no finish tag says more.
local function unlink_pending(c, s, u)
  local ring = K('ring', S(s), c)
  if redis.call('LLEN', K('pq', c, SU(s, u))) == 0 then redis.call('LREM', ring, 1, u) end
  if redis.call('LLEN', ring) == 0 then
    redis.call('ZREM', K('cls', S(s)), c)
    if redis.call('HLEN', K('utag', c, S(s))) == 0 then redis.call('HDEL', K('uvt'), c .. ':' .. S(s)) end
  end
  if redis.call('HINCRBY', K('pcs'), c .. ':' .. s, -1) <= 0 then redis.call('HDEL', K('pcs'), c .. ':' .. s) end
  if redis.call('HINCRBY', K('pc'), c, -1) <= 0 then redis.call('HDEL', K('pc'), c) end
end

-- Hands the server's next waiting jobs to BullMQ while it has free running slots: highest class
-- first, its users by start tag (ties to the user waiting longest). Returns {id, bullPriority, ...}.
local function release(s, now)
  local cap = tonumber(redis.call('HGET', K('cap'), s) or '1')
  local infl = K('infl', S(s))
  local out = {}
  while redis.call('SCARD', infl) < cap do
    local top = redis.call('ZRANGE', K('cls', S(s)), 0, 0)[1]
    if not top then break end
    local c = tonumber(top)
    local u, ustart
    for _, x in ipairs(redis.call('LRANGE', K('ring', S(s), c), 0, -1)) do
      local st = user_start(c, s, x)
      if not ustart or st < ustart then u, ustart = x, st end
    end
    local ut = K('utag', c, S(s))
    local id = redis.call('LPOP', K('pq', c, SU(s, u)))
    local w = weight_of(id)
    redis.call('HSET', K('uvt'), c .. ':' .. S(s), num(ustart))
    redis.call('HSET', ut, u, num(ustart + w))
    local flat = redis.call('HGETALL', ut)
    for i = 1, #flat, 2 do
      if tonumber(flat[i + 1]) <= ustart then redis.call('HDEL', ut, flat[i]) end
    end
    unlink_pending(c, s, u)
    local tag = server_start(c, s)
    redis.call('HSET', K('ltag'), c .. ':' .. s, num(tag + w))
    local bp = bull_priority(c, tag)
    redis.call('ZADD', K('ready'), order_key(bp, redis.call('INCR', K('seq'))), id)
    redis.call('SADD', infl, id)
    redis.call('HSET', jkey(id), '_tag', num(tag), '_rel', num(now))
    out[#out + 1] = id
    out[#out + 1] = bp
  end
  return out
end

-- 1-based place of a queued job if nothing else arrived and no server were at its cap (the same
-- as FairScheduler.position); false when it is not queued.
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
  if not redis.call('LPOS', K('pq', c, SU(s, u)), id) then return ahead + 1 end
  -- m: jobs of the same server released before this one; its start tag is theirs added up.
  local m, stag = 0, server_start(c, s)
  walk_release_order(c, s, function(x, w)
    if x == id then return true end
    m = m + 1
    stag = stag + w
  end)
  -- Every other server of the class: its jobs whose start tags come before this one's (ties by server id).
  for s2 in pairs(waiting.servers[c] or {}) do
    if s2 ~= s then
      local start, wins = server_start(c, s2), s2 < s
      walk_release_order(c, s2, function(_, w)
        if start > stag or (start == stag and not wins) then return true end
        ahead = ahead + 1
        start = start + w
      end)
    end
  end
  return ahead + m + 1
end

local function waiting_counts()
  local w = { servers = {}, classes = {} }
  local flat = redis.call('HGETALL', K('pc'))
  for i = 1, #flat, 2 do w.classes[tonumber(flat[i])] = tonumber(flat[i + 1]) end
  flat = redis.call('HGETALL', K('pcs'))
  for i = 1, #flat, 2 do
    local c, s = string.match(flat[i], '^(%-?%d+):(.*)$')
    c = tonumber(c)
    w.servers[c] = w.servers[c] or {}
    w.servers[c][s] = tonumber(flat[i + 1])
  end
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
