// What the web UI hears without asking: GET /api/events is a Server-Sent
// Events stream that says which parts of the daemon's state changed (the
// queue, the targets' states, the history, the dead letters), so the
// dashboard reloads only those, at once, and never polls. Changes are
// coalesced (one event per `coalesce` window however many commits), a
// comment line every `heartbeat` keeps proxies from timing the stream out and
// finds clients that left, and at most `max_streams` streams are open (one
// more gets a 503 with Retry-After).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "scanhook/core/http/event_stream.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/metrics.hpp"

namespace scanhook::core {

// The parts of the state a change touches (a bitmask).
enum LiveTopic : unsigned {
  kQueueTopic = 1u << 0,
  kTargetsTopic = 1u << 1,
  kHistoryTopic = 1u << 2,
  kDeadLettersTopic = 1u << 3,
};

struct LiveEventSettings {
  std::size_t max_streams = 32;  // a household's browser tabs, with room to spare
  std::chrono::milliseconds coalesce{250};
  std::chrono::milliseconds heartbeat{15'000};
};

class LiveEvents {
 public:
  explicit LiveEvents(LiveEventSettings settings = {});
  ~LiveEvents();
  LiveEvents(const LiveEvents&) = delete;
  LiveEvents& operator=(const LiveEvents&) = delete;

  // Any thread, cheap (no I/O): `topics` changed; the streams hear of it
  // within the coalesce window, as
  //   event: change
  //   data: {"topics":["queue","history"]}
  void changed(unsigned topics);

  // GET /api/events (user): the stream, opened with "retry: 3000".
  void register_routes(Router& router);
  // The gauge scanhook_http_event_streams (streams open as of the last event or heartbeat).
  void add_metrics(Metrics& metrics);

  std::size_t open_streams() const;

 private:
  void run();
  void open(const Respond& respond);

  const LiveEventSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  unsigned pending_ = 0;
  bool stopping_ = false;
  std::uint64_t sequence_ = 0;
  std::vector<std::shared_ptr<EventStream>> streams_;
  std::thread thread_;
  // streams_.size() as of the last open or send, for the gauge (which may outlive us).
  std::shared_ptr<std::atomic<std::size_t>> counted_;
};

}  // namespace scanhook::core
