-- Adds a batch of DLQ entries to one tenant's stream, in order, keeping exactly ARGV[1] entries
-- (the oldest are evicted and counted). Returns the ids, one per entry.
-- KEYS[1] stream dlq:{t}, KEYS[2] counters dlqstats:{t},
-- KEYS[2 + i] add marker dlqadd:{t}:<sha-256 of entry i>
-- ARGV[1] cap, ARGV[2] marker lifetime in seconds, ARGV[2 + i] entry i as JSON (without id)
-- The marker makes an add idempotent: a second add of the same entry (a retried add whose first
-- reply was lost, or a spooled entry drained again after a crash) returns the first id.
local ids = {}
local length = redis.call('XLEN', KEYS[1])
local evicted = 0
for i = 3, #ARGV do
  local prior = redis.call('GET', KEYS[i])
  if prior then
    ids[#ids + 1] = prior
  else
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[1], '*', 'entry', ARGV[i])
    local after = redis.call('XLEN', KEYS[1])
    evicted = evicted + length + 1 - after
    length = after
    redis.call('SET', KEYS[i], id, 'EX', ARGV[2])
    ids[#ids + 1] = id
  end
end
if evicted > 0 then
  redis.call('HINCRBY', KEYS[2], 'evictions', evicted)
end
return ids
