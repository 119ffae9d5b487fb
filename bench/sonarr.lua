-- wrk script: POST a real Sonarr "Download" webhook (tests/data/sonarr/download.json)
-- to /triggers/sonarr, its series folder renamed per request so every
-- request queues a new folder (no coalescing). Run wrk from the repository root.
local file = assert(io.open("tests/data/sonarr/download.json", "rb"))
local template = file:read("*a")
file:close()
local counter = 0
request = function()
  counter = counter + 1
  local tag = string.format("%d-%d", math.random(1, 1e9), counter)
  local body = template:gsub('"/tv/Severance', '"/tv/Severance ' .. tag)
  return wrk.format("POST", "/triggers/sonarr", {["Content-Type"] = "application/json"}, body)
end
