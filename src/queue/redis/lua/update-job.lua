-- ARGV: P, id, then field/JSON pairs where an empty JSON deletes the field. Merges a patch into a
-- stored job and keeps the indexes in step with a new status (JobStore.update).
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
elseif FINAL[jget(id, 'status')] and jget(id, 'finishedAt') then
  redis.call('ZADD', K('fin'), jget(id, 'finishedAt'), id)
end
return 1
