-- wrk script: POST /api/scan with a new folder each request (no coalescing).
-- Each thread builds its requests in init(), before wrk's clock starts, so
-- the generator's own cost per request (it shares the 2 cores with the
-- daemon) is the same as for a static /health request. A thread cycles
-- through `count` requests: enough that none repeats within a 5 s run.
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
  local count = tonumber(args[1]) or 200000
  math.randomseed(os.time() * 100 + thread_number)
  local seed = thread_number * 1e9
  for i = 1, count do
    local body = string.format('{"paths": ["/mnt/tv/Show %d/Season %d"]}', math.random(1, 1e9), seed + i)
    requests[i] = wrk.format("POST", "/api/scan", {["Content-Type"] = "application/json"}, body)
  end
end

request = function()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
