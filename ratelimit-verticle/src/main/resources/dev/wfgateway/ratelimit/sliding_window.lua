--[[
Sliding-window rate limit: checks every policy of one tenant route atomically, in one round trip.
If any policy lacks room for the request, nothing is consumed in any window.

KEYS[i]                  rl:{tenant}:{route}:{policy}, a sorted set logging the units consumed in
                         that policy's window: score = server time in ms, one member per unit
ARGV[1]                  cost: units this request consumes (>= 1)
ARGV[2]                  nonce, unique per call, so that members of calls in the same ms differ
ARGV[3]                  empty: the windows run on this server's clock (TIME), the one clock every
                         node shares; else the time in ms to use instead (tests move it by hand)
ARGV[2i+2], ARGV[2i+3]   limit and window (ms) of the policy of KEYS[i]

One member per unit (rather than one per request carrying its cost) keeps counting a ZCARD and
makes "when will k units have freed" a single ZRANGE by rank. A unit consumed at t counts while
now < t + window. Each write sets the key's TTL to the window, which outlives every member in it.

Returns three integers per policy, in KEYS order: units remaining; ms until the oldest unit frees
(0 when the window is empty); ms until enough units free for this request (-1 when the policy has
room for it).
]]
local ZADD_BATCH = 500

local now
if ARGV[3] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[3])
end
local cost = tonumber(ARGV[1])
local nonce = ARGV[2]

local limits, windows, counts = {}, {}, {}
local allowed = true
for i, key in ipairs(KEYS) do
  limits[i] = tonumber(ARGV[2 * i + 2])
  windows[i] = tonumber(ARGV[2 * i + 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - windows[i])
  counts[i] = redis.call('ZCARD', key)
  if counts[i] + cost > limits[i] then
    allowed = false
  end
end

local function consume(key, window)
  local members = {}
  for unit = 1, cost do
    members[#members + 1] = now
    members[#members + 1] = now .. ':' .. nonce .. ':' .. unit
    if #members == 2 * ZADD_BATCH or unit == cost then
      redis.call('ZADD', key, unpack(members))
      members = {}
    end
  end
  redis.call('PEXPIRE', key, window)
end

-- ms from now until the unit of the given rank (0 = oldest) leaves the window
local function frees_in(key, rank, window)
  local entry = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')
  return tonumber(entry[2]) + window - now
end

local result = {}
for i, key in ipairs(KEYS) do
  local limit, window, count = limits[i], windows[i], counts[i]
  local retry = -1
  if allowed then
    consume(key, window)
    count = count + cost
  elseif count + cost > limit then
    if cost > limit then
      retry = window
    else
      retry = frees_in(key, count + cost - limit - 1, window)
    end
  end
  local reset = 0
  if count > 0 then
    reset = frees_in(key, 0, window)
  end
  result[#result + 1] = limit - count
  result[#result + 1] = reset
  result[#result + 1] = retry
end
return result
