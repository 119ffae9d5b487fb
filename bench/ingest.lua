-- wrk script: POST /api/scan with a new folder each request (no coalescing);
-- see unique_requests.lua.
local unique = dofile("bench/unique_requests.lua")

init = function(args)
  unique.requests(function(number)
    local body = string.format('{"paths": ["/mnt/tv/Show %d/Season %d"]}', math.random(1, 1e9), number)
    return wrk.format("POST", "/api/scan", {["Content-Type"] = "application/json"}, body)
  end)
end
