#include "support/rclone_remote.hpp"

namespace scanhook::testing {

RcloneRemote::RcloneRemote(const std::vector<std::string>& rcd_flags)
    : rclone_(RcloneProcess::rcd(rcd_flags)) {}

std::string RcloneRemote::source_section(const std::string& url) const {
  return "[source.remote]\nplugin = rclone\nurl = " + url + "\nremote = " + path().string() +
         "\ninterval = 1s\npath_prefix = /tv\n";
}

}  // namespace scanhook::testing
