#include "support/rclone_remote.hpp"

namespace scanhook::testing {

RcloneRemote::RcloneRemote(Serving serving, const Files& files,
                           const std::vector<std::string>& flags) {
  for (const auto& [relative, content] : files) folder_.write(relative, content);
  rclone_ = serving == Serving::vfs ? RcloneProcess::serve_http(path().string(), flags)
                                    : RcloneProcess::rcd(flags);
}

std::string RcloneRemote::source_section(const std::string& url) const {
  return "[source.remote]\nplugin = rclone\nurl = " + url + "\nremote = " + path().string() +
         "\ninterval = 1s\npath_prefix = /tv\n";
}

}  // namespace scanhook::testing
