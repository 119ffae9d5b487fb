// A target scans folders (a media server) or prepares them (a VFS refresh).
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include "scanhook/instance.hpp"
#include "scanhook/result.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook {

// Prepare-stage targets finish a folder before scan-stage targets start it.
enum class Stage { prepare, scan };

struct ScanFolder {
  std::string path;  // rewritten for this target
  EventKind kind = EventKind::modified;
  int priority = 0;
};

// One request a target would send; secrets redacted.
struct PlannedRequest {
  std::string method;
  std::string url;
  std::string body;
};

struct Explanation {
  Result verdict;       // ok, or rejected with the reason (no library owns it, ...)
  std::string library;  // what the folder matched, in the target's words
  std::vector<PlannedRequest> requests;
};

class Target : public Instance {
 public:
  virtual Stage stage() const noexcept = 0;
  virtual std::size_t max_batch() const noexcept = 0;
  // Exactly one result per folder, in the same order.
  virtual std::vector<Result> scan(const std::vector<ScanFolder>& folders) noexcept = 0;
  // Is the target there and does it accept us? Called while it is paused.
  virtual Result probe() noexcept = 0;
  virtual Explanation explain(const ScanFolder& folder) noexcept = 0;
};

// Plugins derive from this: exceptions stay inside the plugin.
class TargetBase : public Target {
 public:
  std::vector<Result> scan(const std::vector<ScanFolder>& folders) noexcept final {
    try {
      return on_scan(folders);
    } catch (const std::exception& error) {
      return std::vector<Result>(folders.size(),
                                 Result::retry(std::string("internal error: ") + error.what()));
    } catch (...) {
      return std::vector<Result>(folders.size(), Result::retry("internal error"));
    }
  }
  Result probe() noexcept final {
    try {
      return on_probe();
    } catch (const std::exception& error) {
      return Result::unavailable(std::string("probe failed: ") + error.what());
    } catch (...) {
      return Result::unavailable("probe failed");
    }
  }
  Explanation explain(const ScanFolder& folder) noexcept final {
    try {
      return on_explain(folder);
    } catch (const std::exception& error) {
      return {Result::retry(std::string("internal error: ") + error.what()), {}, {}};
    } catch (...) {
      return {Result::retry("internal error"), {}, {}};
    }
  }

 protected:
  virtual std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) = 0;
  virtual Result on_probe() = 0;
  virtual Explanation on_explain(const ScanFolder& folder) = 0;
};

}  // namespace scanhook
