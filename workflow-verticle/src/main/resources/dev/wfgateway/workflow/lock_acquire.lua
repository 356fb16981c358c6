-- Takes the lock and issues the next fencing token in one step.
-- KEYS[1] lock:{tenant}:{key}   KEYS[2] fence:{tenant}:{key}
-- ARGV[1] owner (runId:attempt)  ARGV[2] lease ttl in ms
-- Returns the fencing token, or 0 when another owner holds the lock.
--
-- The token is the larger of (last token + 1) and the server's clock in microseconds, so it still
-- grows when Redis has lost the last token (FLUSHALL, a restart without persistence, a failover
-- that lost writes): the clock has moved on since any token issued before. Because of that floor
-- the fence key may expire; it is kept a day so that idle keys do not pile up.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local now = redis.call('TIME')
  local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local token = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, floor)
  redis.call('SET', KEYS[2], string.format('%.0f', token), 'PX', 86400000)
  return token
end
return 0
