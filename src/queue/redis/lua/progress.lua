-- ARGV: P, eventsKey, maxEvents, id, runToken, step, total, preview key ('' for none). A progress event of a run that still owns its job.
local id = ARGV[4]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[5] then return 0 end
if ARGV[8] ~= nil and ARGV[8] ~= '' then
  emit(ARGV[2], ARGV[3], id, 'progress', 'step', ARGV[6], 'total', ARGV[7], 'preview', ARGV[8])
else
  emit(ARGV[2], ARGV[3], id, 'progress', 'step', ARGV[6], 'total', ARGV[7])
end
return 1
