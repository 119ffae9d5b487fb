-- wrk script: POST /api/scan with a new folder each request (no coalescing).
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"paths": ["/mnt/tv/Show %d/Season %d"]}', math.random(1, 1e9), counter)
  return wrk.format("POST", "/api/scan", {["Content-Type"] = "application/json"}, body)
end
