-- ARGV: P, now, then ids. Marks jobs whose images retention deleted.
for i = 3, #ARGV do
  if redis.call('EXISTS', jkey(ARGV[i])) == 1 then
    redis.call('HSET', jkey(ARGV[i]), '_exp', ARGV[2])
    redis.call('ZREM', K('fin'), ARGV[i])
  end
end
return 1
