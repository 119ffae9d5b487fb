-- wrk script: POST /api/scan with a new folder each request (no coalescing).
-- Each thread cycles through `count` requests (default 200,000: none repeats
-- within a 5 s run); see request_pool.lua.
local pool = dofile("bench/request_pool.lua")

init = function(args)
  pool.fill(tonumber(args[1]) or 200000, function(number)
    local body = string.format('{"paths": ["/mnt/tv/Show %d/Season %d"]}', math.random(1, 1e9), number)
    return wrk.format("POST", "/api/scan", {["Content-Type"] = "application/json"}, body)
  end)
end
