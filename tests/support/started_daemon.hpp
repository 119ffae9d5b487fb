// A scanhookd for one test, in a folder of its own: started on an INI,
// listening (or a failed REQUIRE), with a client for its API.
#pragma once

#include <string>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

// [server] and [queue] for a test daemon: loopback on a port the kernel
// picks, the database in {dir}, no access log, no minimum age, idle checks,
// retries and probes within a fraction of a second, retries at most
// `retry_max` apart.
std::string quick_daemon_ini(const std::string& retry_max = "1s");

struct StartedDaemon {
  // `ini` as DaemonProcess takes it ("{dir}" stands for `dir`).
  explicit StartedDaemon(const std::string& ini);

  TempDir dir;
  DaemonProcess daemon;
  DaemonClient client;
};

}  // namespace scanhook::testing
