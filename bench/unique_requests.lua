-- Shared by the ingest wrk scripts (load it with dofile, from the repository
-- root): every request wrk sends is built afresh from a number no other
-- request of the run has, so that each queues a new folder.
--
-- Each thread gets its own number: without it every thread's Lua state
-- would draw the same "random" folders, and half the requests would merge.
-- The requests are built per request, with cheap string work only (no
-- pattern matching), and not in init(): wrk starts each thread as soon as
-- its init() returns but starts its clock after the last thread's, so a
-- slow init() lets the first threads send uncounted-time requests and
-- inflates Requests/sec.
local unique = {}
local make_request
local sent = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

request = function()
  sent = sent + 1
  return make_request(thread_number * 1e9 + sent)
end

-- Sends make(unique_number) as each request of this thread.
function unique.requests(make)
  math.randomseed(os.time() * 100 + thread_number)
  make_request = make
end

return unique
