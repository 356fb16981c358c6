-- Deletes entries by id; when ARGV[1] names a counter, counts the removed ones in it.
-- KEYS[1] stream dlq:{t}, KEYS[2] counters dlqstats:{t}; ARGV[1] counter field or '', ARGV[2..] ids
local removed = redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
if removed > 0 and ARGV[1] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[1], removed)
end
return removed
