-- Constant-rate load for wrk: every connection waits `pace_ms` between requests, so
-- connections x 1000 / pace_ms requests per second (set by `wrk ... -s paced.lua -- <pace_ms>`).
local pace = 10
function init(args)
  pace = tonumber(args[1]) or pace
end
function delay()
  return pace
end
