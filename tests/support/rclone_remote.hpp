// A temporary folder as an rclone remote, listed by a real `rclone rcd`
// (RcloneProcess; --rc-no-auth unless told otherwise): what the rclone
// polling source polls, in its plugin tests and end to end. rclone's local
// backend takes the folder's path as the remote, so a test writes a file into
// the folder and the next poll lists it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/rclone_process.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

class RcloneRemote {
 public:
  explicit RcloneRemote(const std::vector<std::string>& rcd_flags = {"--rc-no-auth"});

  // The remote as the source's `remote =` names it.
  const std::filesystem::path& path() const { return folder_.path(); }
  std::filesystem::path write(const std::string& relative, const std::string& content) const {
    return folder_.write(relative, content);
  }
  // rclone's remote control, the source's `url =`.
  std::string url() const { return rclone_->url(); }
  // Stops rclone: the remote control stops answering, the folder stays.
  void stop_rclone() { rclone_->stop(); }

  // A scanhookd's [source.remote] polling this remote every second through
  // `url` (rclone's own, or a proxy in front of it), its paths under /tv.
  std::string source_section(const std::string& url) const;
  std::string source_section() const { return source_section(url()); }

 private:
  TempDir folder_{"scanhook-remote"};
  std::unique_ptr<RcloneProcess> rclone_;
};

}  // namespace scanhook::testing
