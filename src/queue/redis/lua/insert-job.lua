-- ARGV: P, id, then field/JSON pairs of a whole JobRecord. Stores a job (JobStore.insert); returns
-- 0 when the id exists.
local id = ARGV[2]
if redis.call('EXISTS', jkey(id)) == 1 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', jkey(id), ARGV[i], ARGV[i + 1]) end
index_new(id, jget(id, 'status'), jget(id, 'serverId'), jget(id, 'userId'), jget(id, 'createdAt') or 0)
return 1
