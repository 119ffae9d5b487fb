#include "scanhook/core/store/write_failure.hpp"

#include <Poco/Logger.h>

namespace scanhook::core {

namespace {

Poco::Logger& logger() {
  return Poco::Logger::get("scanhook.database");
}

}  // namespace

WriteFailure::WriteFailure(std::string subject, std::string remedy)
    : subject_(std::move(subject)), remedy_(std::move(remedy)) {}

void WriteFailure::record(const std::string& message) noexcept {
  try {
    std::lock_guard lock(mutex_);
    ++failed_writes_;
    if (!message_)
      logger().error(
          "%s cannot be written (%s): webhooks are answered 503 until a write "
          "succeeds; %s",
          subject_, message, remedy_);
    message_ = message;
    failing_.store(true, std::memory_order_relaxed);
  } catch (...) {
    // Out of memory for the message: the write's own error still reaches its caller.
  }
}

void WriteFailure::clear() noexcept {
  if (!failing_.load(std::memory_order_relaxed)) return;  // the usual case: no lock
  std::lock_guard lock(mutex_);
  if (!message_) return;  // another writer cleared it first
  try {
    logger().information("%s is written again; failed writes meanwhile: %z", subject_,
                         failed_writes_);
  } catch (...) {
    // A lost log line is no reason to fail a write that reached the store.
  }
  failed_writes_ = 0;
  message_.reset();
  failing_.store(false, std::memory_order_relaxed);
}

std::optional<std::string> WriteFailure::last() const {
  std::lock_guard lock(mutex_);
  return message_;
}

}  // namespace scanhook::core
