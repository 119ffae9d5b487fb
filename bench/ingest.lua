-- wrk script: POST /api/scan with a new folder each request (no coalescing);
-- see unique_requests.lua.
local unique = dofile("bench/unique_requests.lua")

init = function(args)
  unique.requests("POST", "/api/scan", {["Content-Type"] = "application/json"}, function(number)
    return string.format('{"paths": ["/mnt/tv/Show %010d/Season %013d"]}', math.random(1, 1e9), number)
  end)
end
