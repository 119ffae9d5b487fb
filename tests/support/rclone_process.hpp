// A real rclone for tests: `rclone rcd` or `rclone serve http DIR --rc` on a
// free loopback port, with its own empty config and cache, ready once its
// remote control answers, stopped when the object goes.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace scanhook::testing {

class RcloneProcess {
 public:
  // `rclone rcd <flags>`, e.g. rcd({"--rc-no-auth"}).
  static std::unique_ptr<RcloneProcess> rcd(const std::vector<std::string>& flags);
  // `rclone serve http <dir> --rc <flags>`: one live VFS over `dir`.
  static std::unique_ptr<RcloneProcess> serve_http(const std::string& dir,
                                                   const std::vector<std::string>& flags);

  RcloneProcess(const RcloneProcess&) = delete;
  RcloneProcess& operator=(const RcloneProcess&) = delete;
  ~RcloneProcess();

  std::string url() const;  // the remote control, http://127.0.0.1:<port>
  unsigned short port() const { return port_; }
  void stop();

 private:
  RcloneProcess() : home_("scanhook-rclone") {}
  void start(std::vector<std::string> args);
  std::string log_text() const;

  TempDir home_;  // config, cache and log
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// A loopback port nothing listens on right now.
unsigned short free_port();

}  // namespace scanhook::testing
