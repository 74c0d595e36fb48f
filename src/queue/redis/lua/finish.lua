-- A run ends. ARGV: P, eventsKey, maxEvents, now, id, runToken, status, field ('output'|'error'|''),
-- json, message. Only the run that owns the job can end it, once: returns 1, or 0 (already ended).
local id = ARGV[5]
if jget(id, 'status') ~= 'running' or redis.call('HGET', jkey(id), '_run') ~= ARGV[6] then return 0 end
finish(ARGV[2], ARGV[3], id, tonumber(ARGV[4]), ARGV[7], ARGV[8], ARGV[9], ARGV[10])
return 1
