#include "support/scripted_target.hpp"

#include <chrono>

namespace scanhook::testing {

std::vector<Result> ScriptedTarget::scan(const std::vector<ScanFolder>& folders) noexcept {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    hook = hook_;
  }
  if (hook) hook();
  std::vector<Result> results;
  std::lock_guard lock(mutex_);
  batch_sizes_.push_back(folders.size());
  for (const auto& folder : folders) {
    scanned_.push_back(folder.path);
    if (script_.empty()) {
      results.push_back(Result::ok());
    } else {
      results.push_back(script_.front());
      script_.pop_front();
    }
  }
  scanned_changed_.notify_all();
  return results;
}

std::vector<std::size_t> ScriptedTarget::batch_sizes() const {
  std::lock_guard lock(mutex_);
  return batch_sizes_;
}

Result ScriptedTarget::probe() noexcept {
  std::lock_guard lock(mutex_);
  ++probes_;
  return probe_answer_;
}

Explanation ScriptedTarget::explain(const ScanFolder& folder) noexcept {
  return {Result::ok(), "Scripted", {{"GET", "http://scripted/scan?path=" + folder.path, ""}}};
}

void ScriptedTarget::answer(std::vector<Result> results) {
  std::lock_guard lock(mutex_);
  script_.insert(script_.end(), results.begin(), results.end());
}

void ScriptedTarget::set_probe(Result result) {
  std::lock_guard lock(mutex_);
  probe_answer_ = std::move(result);
}

void ScriptedTarget::on_scan(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

std::vector<std::string> ScriptedTarget::scanned() const {
  std::lock_guard lock(mutex_);
  return scanned_;
}

int ScriptedTarget::probes() const {
  std::lock_guard lock(mutex_);
  return probes_;
}

bool ScriptedTarget::wait_for_scans(std::size_t count, int timeout_ms) const {
  std::unique_lock lock(mutex_);
  return scanned_changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                   [&] { return scanned_.size() >= count; });
}

}  // namespace scanhook::testing
