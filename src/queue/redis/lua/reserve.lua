-- ARGV: P, serverId, userId, cost, now, dailyServerImages, dailyUserImages, requestsPerMinute, dailyServerGpuSeconds.
-- UsageLedger.reserve: false when granted, else {reason, used, limit, retryAt}.
local r = reserve(ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9] or '0'))
if r then return r end
return 0
