-- Extends the lease only while the caller still owns it.
-- KEYS[1] lock key   ARGV[1] owner   ARGV[2] lease ttl in ms   Returns 1 renewed, 0 lost.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
