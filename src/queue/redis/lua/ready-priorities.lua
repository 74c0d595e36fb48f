-- ARGV: P, then ids. Each ready job's BullMQ priority as it should be now (after a rebase).
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
