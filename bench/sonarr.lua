-- wrk script: POST a real Sonarr "Download" webhook (tests/data/sonarr/v4/download.json)
-- to /triggers/sonarr, its series folder renamed per request so every
-- request queues a new folder (no coalescing). Run wrk from the repository
-- root; see unique_requests.lua.
local unique = dofile("bench/unique_requests.lua")

init = function(args)
  local file = assert(io.open("tests/data/sonarr/v4/download.json", "rb"))
  local template = file:read("*a")
  file:close()
  -- The body cut at each mention of the series folder, to be joined again
  -- with a renamed folder (table.concat: no pattern matching per request).
  local folder = '"/tv/Severance'
  local pieces, from = {}, 1
  while true do
    local at = template:find(folder, from, true)
    if not at then break end
    pieces[#pieces + 1] = template:sub(from, at - 1)
    from = at + #folder
  end
  pieces[#pieces + 1] = template:sub(from)
  assert(#pieces > 1, "the Sonarr fixture no longer mentions " .. folder)
  local headers = {["Content-Type"] = "application/json"}
  unique.requests("POST", "/triggers/sonarr", headers, function(number)
    local tag = string.format("%010d-%013d", math.random(1, 1e9), number)
    return table.concat(pieces, folder .. " " .. tag)
  end)
end
