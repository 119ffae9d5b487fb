// Runs one polling source on its own thread: poll(), sleep the delay it
// returns, again, until stop() (which interrupts the sleep). With several
// instances on one store, only the one holding the poller's lock polls; the
// others ask again every kStandbyDelay. At stop() a source that is also a
// FlushOnStop (SDK 1.2) is flushed on that thread, if this instance polled last.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "scanhook/core/time_source.hpp"
#include "scanhook/flush_on_stop.hpp"
#include "scanhook/polling_source.hpp"

namespace scanhook::core {

class Poller {
 public:
  // `may_poll` (if given) says whether this instance polls now. The delays
  // between polls are waited on `clock`.
  Poller(std::string name, std::shared_ptr<PollingSource> source,
         std::function<bool()> may_poll = nullptr, TimeSource& clock = real_time());
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void start();
  // Ends the wait between polls, flushes the source (see above) and joins the
  // thread: call it while the queue still takes the flushed events.
  void stop();

 private:
  void run();

  std::string name_;
  static constexpr std::chrono::milliseconds kStandbyDelay{5000};

  std::shared_ptr<PollingSource> source_;
  FlushOnStop* flush_;  // source_ itself when it is one, else null
  std::function<bool()> may_poll_;
  TimeSource& clock_;
  std::mutex mutex_;
  std::condition_variable_any stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scanhook::core
