-- Claims an idempotency key, or answers the record already holding it, in one round trip.
-- KEYS[1] idem:{tenant}:{workflow}:{key}   ARGV[1] in-progress record   ARGV[2] ttl in ms
-- Returns nil when claimed, else the existing record.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return nil
end
return redis.call('GET', KEYS[1])
