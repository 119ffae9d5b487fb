-- wrk script: POST a real Sonarr "Download" webhook (tests/data/sonarr/download.json)
-- to /triggers/sonarr, its series folder renamed per request so every
-- request queues a new folder (no coalescing). Run wrk from the repository root.
-- Each thread builds its requests in init(), before wrk's clock starts (see
-- ingest.lua); `count` per thread, default 100,000 (about 400 MB per thread).
local requests = {}
local next_index = 1
local threads = 0

-- Each thread gets its own number: without it every thread's Lua state
-- would draw the same "random" folders, and half the requests would merge.
setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

init = function(args)
  local file = assert(io.open("tests/data/sonarr/download.json", "rb"))
  local template = file:read("*a")
  file:close()
  local count = tonumber(args[1]) or 100000
  math.randomseed(os.time() * 100 + thread_number)
  local seed = thread_number * 1e9
  for i = 1, count do
    local tag = string.format("%d-%d", math.random(1, 1e9), seed + i)
    local body = template:gsub('"/tv/Severance', '"/tv/Severance ' .. tag)
    requests[i] = wrk.format("POST", "/triggers/sonarr", {["Content-Type"] = "application/json"}, body)
  end
end

request = function()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
