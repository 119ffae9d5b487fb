// A temporary folder as an rclone remote, with a real rclone over it
// (RcloneProcess; --rc-no-auth unless told otherwise), in one of two ways:
//   listings  `rclone rcd`: lists the folder on request (operations/list), as
//             the rclone polling source reads a remote;
//   vfs       `rclone serve http FOLDER --rc`: one live VFS over the folder,
//             what the rclone target refreshes (vfs/refresh).
// rclone's local backend takes the folder's path as the remote, so a test
// writes a file into the folder and rclone finds it there.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/rclone_process.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

class RcloneRemote {
 public:
  enum class Serving { listings, vfs };
  // Relative path and content of each file there before rclone starts.
  using Files = std::vector<std::pair<std::string, std::string>>;

  explicit RcloneRemote(Serving serving = Serving::listings, const Files& files = {},
                        const std::vector<std::string>& flags = {"--rc-no-auth"});

  // The remote as the source's `remote =` (or the target's `fs =`) names it.
  const std::filesystem::path& path() const { return folder_.path(); }
  std::filesystem::path write(const std::string& relative, const std::string& content) const {
    return folder_.write(relative, content);
  }
  // rclone's remote control: the source's or the target's `url =`.
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
