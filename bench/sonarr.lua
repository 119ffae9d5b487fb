-- wrk script: POST a real Sonarr "Download" webhook (tests/data/sonarr/download.json)
-- to /triggers/sonarr, its series folder renamed per request so every
-- request queues a new folder (no coalescing). Run wrk from the repository root.
-- Each thread cycles through `count` requests (default 100,000, about 400 MB
-- per thread); see request_pool.lua.
local pool = dofile("bench/request_pool.lua")

init = function(args)
  local file = assert(io.open("tests/data/sonarr/download.json", "rb"))
  local template = file:read("*a")
  file:close()
  pool.fill(tonumber(args[1]) or 100000, function(number)
    local tag = string.format("%d-%d", math.random(1, 1e9), number)
    local body = template:gsub('"/tv/Severance', '"/tv/Severance ' .. tag)
    return wrk.format("POST", "/triggers/sonarr", {["Content-Type"] = "application/json"}, body)
  end)
end
