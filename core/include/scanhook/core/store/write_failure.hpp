// Whether a store's writes fail for a storage reason (disk full, I/O error, a
// lost server), and the one place that logs the change: one ERROR when writes
// start to fail after a good one, one Information line when a write works
// again (with how many failed meanwhile), never a line per refused request
// (webhook senders retry, dozens a minute). Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace scanhook::core {

class WriteFailure {
 public:
  // subject: what cannot be written, as the log names it ("the database
  // /var/lib/scanhook/scanhook.db"); remedy: what the user can do about it.
  WriteFailure(std::string subject, std::string remedy);

  // A write failed with `message` (the store's error text). Never throws.
  void record(const std::string& message) noexcept;
  // A write reached the store. Lock-free while writes work. Never throws.
  void clear() noexcept;
  // The message of the last failed write until a later one worked.
  std::optional<std::string> last() const;

 private:
  const std::string subject_;
  const std::string remedy_;
  std::atomic<bool> failing_{false};
  mutable std::mutex mutex_;
  std::optional<std::string> message_;
  std::size_t failed_writes_ = 0;  // since the last write that worked
};

}  // namespace scanhook::core
