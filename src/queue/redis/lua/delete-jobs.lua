-- ARGV: P, then ids. Deletes finished jobs (retention) with every index entry that names them;
-- a job still queued or running is kept. Returns how many went.
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local st = jget(id, 'status')
  if st == nil or FINAL[st] then
    redis.call('ZREM', K('fin'), id)
    if st then
      local s, u = jget(id, 'serverId'), jget(id, 'userId')
      redis.call('ZREM', K('st', st), id)
      redis.call('ZREM', K('uall', SU(s, u)), id)
      redis.call('ZREM', K('uopen', SU(s, u)), id)
      redis.call('DEL', jkey(id))
      n = n + 1
    end
  end
end
return n
