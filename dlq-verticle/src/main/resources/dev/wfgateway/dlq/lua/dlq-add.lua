-- Adds one DLQ entry, keeping exactly ARGV[1] entries (the oldest are evicted and counted).
-- KEYS[1] stream dlq:{t}, KEYS[2] counters dlqstats:{t}, KEYS[3] add marker dlqadd:{t}:<sha-256 of the entry>
-- ARGV[1] cap, ARGV[2] entry JSON (without id), ARGV[3] marker lifetime in seconds
-- The marker makes an add idempotent: a second add of the same entry (a retried add whose first
-- reply was lost, or a spooled entry drained again after a crash) returns the first id.
local prior = redis.call('GET', KEYS[3])
if prior then
  return prior
end
local before = redis.call('XLEN', KEYS[1])
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[1], '*', 'entry', ARGV[2])
local evicted = before + 1 - redis.call('XLEN', KEYS[1])
if evicted > 0 then
  redis.call('HINCRBY', KEYS[2], 'evictions', evicted)
end
redis.call('SET', KEYS[3], id, 'EX', ARGV[3])
return id
