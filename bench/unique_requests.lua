-- Shared by the ingest wrk scripts (load it with dofile, from the repository
-- root): every request wrk sends carries a number no other request of the
-- run has, so that each queues a new folder.
--
-- Each thread gets its own number: without it every thread's Lua state
-- would draw the same "random" folders, and half the requests would merge.
-- The requests are built as they are sent, not in init(): wrk starts each
-- thread as soon as its init() returns but starts its clock after the last
-- thread's, so a slow init() lets the first threads send requests outside
-- the measured time and overstates Requests/sec. Building one is cheap all
-- the same: every body has the same length (fixed-width numbers), so the
-- request line and headers are formatted once and each request is that
-- head joined to a new body.
local unique = {}
local head
local make_body
local sent = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

request = function()
  sent = sent + 1
  return head .. make_body(thread_number * 1e9 + sent)
end

-- Sends `method` `path` with `headers` and body make(unique_number) as each
-- request of this thread; every body must have the same length.
function unique.requests(method, path, headers, make)
  math.randomseed(os.time() * 100 + thread_number)
  make_body = make
  local sample = make(0)
  local whole = wrk.format(method, path, headers, sample)
  head = whole:sub(1, #whole - #sample)
end

return unique
