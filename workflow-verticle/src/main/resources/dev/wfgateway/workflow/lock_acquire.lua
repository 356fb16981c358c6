-- Takes the lock and issues the next fencing token in one step.
-- KEYS[1] lock:{tenant}:{key}   KEYS[2] fence:{tenant}:{key}
-- ARGV[1] owner (runId:attempt)  ARGV[2] lease ttl in ms
-- Returns the fencing token, or 0 when another owner holds the lock.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
