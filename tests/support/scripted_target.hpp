// An in-process Target for engine tests: records every folder it is sent and
// answers from a script (ok by default).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "scanhook/target.hpp"

namespace scanhook::testing {

class ScriptedTarget final : public Target {
 public:
  explicit ScriptedTarget(Stage stage = Stage::scan, std::size_t max_batch = 10)
      : stage_(stage), max_batch_(max_batch) {}

  Stage stage() const noexcept override { return stage_; }
  std::size_t max_batch() const noexcept override { return max_batch_; }
  std::vector<Result> scan(const std::vector<ScanFolder>& folders) noexcept override;
  Result probe() noexcept override;
  Explanation explain(const ScanFolder& folder) noexcept override;

  // The next scanned folders get these answers, in order; then ok.
  void answer(std::vector<Result> results);
  void set_probe(Result result);
  // Runs inside scan(), before answering (to hold a delivery in flight).
  void on_scan(std::function<void()> hook);

  std::vector<std::string> scanned() const;
  std::vector<std::size_t> batch_sizes() const;  // of each scan() call, in order
  int probes() const;
  // Waits up to `timeout_ms` until `count` folders were scanned.
  bool wait_for_scans(std::size_t count, int timeout_ms = 5000) const;

 private:
  Stage stage_;
  std::size_t max_batch_;
  mutable std::mutex mutex_;
  mutable std::condition_variable scanned_changed_;
  std::deque<Result> script_;
  Result probe_answer_ = Result::ok();
  std::function<void()> hook_;
  std::vector<std::string> scanned_;
  std::vector<std::size_t> batch_sizes_;
  int probes_ = 0;
};

}  // namespace scanhook::testing
