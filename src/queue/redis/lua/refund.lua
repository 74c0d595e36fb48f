-- ARGV: P, serverId, userId, cost, createdAt.
refund(ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
return 1
