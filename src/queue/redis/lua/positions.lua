-- ARGV: P, then ids. Their places (0 when not queued).
local w = waiting_counts()
local out = {}
for i = 2, #ARGV do out[#out + 1] = position(ARGV[i], w) or 0 end
return out
