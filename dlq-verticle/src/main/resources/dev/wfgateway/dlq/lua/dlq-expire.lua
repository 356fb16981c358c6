-- Drops entries whose id (insertion time) is below ARGV[1] and counts them as expired.
-- KEYS[1] stream dlq:{t}, KEYS[2] counters dlqstats:{t}
local trimmed = redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
if trimmed > 0 then
  redis.call('HINCRBY', KEYS[2], 'expired', trimmed)
end
return trimmed
