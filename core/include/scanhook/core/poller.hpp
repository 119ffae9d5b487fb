// Runs one polling source on its own thread: poll(), sleep the delay it
// returns, again, until stop() (which interrupts the sleep).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "scanhook/polling_source.hpp"

namespace scanhook::core {

class Poller {
 public:
  Poller(std::string name, std::shared_ptr<PollingSource> source);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void start();
  void stop();

 private:
  void run();

  std::string name_;
  std::shared_ptr<PollingSource> source_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scanhook::core
