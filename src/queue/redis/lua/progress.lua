-- ARGV: P, eventsKey, maxEvents, id, runToken, step, total. A progress event of a run that still owns its job.
local id = ARGV[4]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[5] then return 0 end
emit(ARGV[2], ARGV[3], id, 'progress', 'step', ARGV[6], 'total', ARGV[7])
return 1
