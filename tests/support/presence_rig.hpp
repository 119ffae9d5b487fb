// A scanhookd whose one target (`rec`, the recording test plugin) has
// require_exists = true, with /mnt/media found at local(), a temporary folder
// standing for this machine's view of the media: the require_exists end-to-end
// tests' daemon, and the checks they make on it.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/plugin_daemon.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

class PresenceRig {
 public:
  // Long enough for several retries (PluginDaemon: retry_max = 200ms): a
  // folder not there stays undelivered for it.
  static constexpr std::chrono::milliseconds kSeveralRetries{1500};

  explicit PresenceRig(const std::string& exists_timeout = "1h");

  std::filesystem::path local() const { return local_.path(); }
  const DaemonClient& client() const { return daemon_.client(); }
  std::vector<std::string> recorded() const { return daemon_.recorded(); }
  bool delivered() const { return daemon_.recorded_at_least(1); }
  std::string last_error() const { return daemon_.last_error("rec"); }
  // Writes <local()>/<relative>, creating its folders.
  void write(const std::string& relative, const std::string& content) const;
  // POST /api/scan of one folder, or of one file with its sha256 (paths as the
  // target sees them).
  void scan_folder(const std::string& path) const;
  void scan_file(const std::string& path, const std::string& sha256) const;
  // SIGTERM, then the same INI and database again.
  void restart();
  // The newest history row, once there is one (a failed REQUIRE after 10 s).
  Poco::JSON::Object::Ptr first_history_row() const;

  // After several retries nothing is delivered, and the target's last error
  // contains `why`.
  void check_held_back(const std::string& why) const;
  // The target records `folder`, and only it.
  void check_delivered_once(const std::string& folder) const;
  // An upgrade replaces the file at `relative` (under /mnt/media) and its scan
  // names only `folder`: a second scan is recorded within 10 s.
  void check_scanned_again_after_upgrade(const std::string& relative,
                                         const std::string& folder) const;

 private:
  TempDir local_{"scanhook-local"};
  PluginDaemon daemon_;
};

}  // namespace scanhook::testing
