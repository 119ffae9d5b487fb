-- Shared by the ingest wrk scripts (load it with dofile, from the repository
-- root): numbers wrk's threads, and gives each one a pool of requests built
-- before wrk's clock starts, then sent in turn.
--
-- Each thread gets its own number: without it every thread's Lua state
-- would draw the same "random" folders, and half the requests would merge.
-- Building the requests in init() keeps wrk's own work per request (it
-- shares the 2 cores with the daemon) the same as for a static request.
local pool = {}
local requests = {}
local next_index = 1
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

request = function()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

-- Fills this thread's pool with `count` requests from make(unique_number).
function pool.fill(count, make)
  math.randomseed(os.time() * 100 + thread_number)
  for i = 1, count do
    requests[i] = make(thread_number * 1e9 + i)
  end
end

return pool
