-- Deletes a key only if it still holds the caller's value: releases a lock only by its owner,
-- and gives back an idempotency claim only if no response was stored in the meantime.
-- KEYS[1] the key   ARGV[1] the expected value   Returns 1 deleted, 0 not the expected value.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
