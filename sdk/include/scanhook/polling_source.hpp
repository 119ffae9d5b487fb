// A source that looks for changes itself and submits them through its Host.
#pragma once

#include <chrono>
#include <exception>

#include "scanhook/instance.hpp"

namespace scanhook {

class PollingSource : public Instance {
 public:
  // Called on a core thread, first at start-up, then again after the returned
  // delay, until shutdown.
  virtual std::chrono::milliseconds poll() noexcept = 0;
};

class PollingSourceBase : public PollingSource {
 public:
  explicit PollingSourceBase(std::chrono::milliseconds delay_after_error)
      : delay_after_error_(delay_after_error) {}

  std::chrono::milliseconds poll() noexcept final {
    try {
      return on_poll();
    } catch (...) {
      return delay_after_error_;
    }
  }

 protected:
  virtual std::chrono::milliseconds on_poll() = 0;

 private:
  std::chrono::milliseconds delay_after_error_;
};

}  // namespace scanhook
