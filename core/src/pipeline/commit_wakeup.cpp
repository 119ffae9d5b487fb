#include "scanhook/core/pipeline/commit_wakeup.hpp"

#include <stdexcept>

namespace scanhook::core {

void CommitWakeup::connect(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  if (wake_) throw std::logic_error("the commit wake-up is connected already");
  wake_ = std::move(wake);
}

void CommitWakeup::disconnect() {
  std::lock_guard lock(mutex_);
  wake_ = nullptr;
}

void CommitWakeup::wake() const {
  std::lock_guard lock(mutex_);
  if (wake_) wake_();
}

}  // namespace scanhook::core
