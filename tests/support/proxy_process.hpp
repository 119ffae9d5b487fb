// A real reverse proxy for tests: nginx or Caddy serving one site (a
// configuration file of etc/examples/, made local by the test) on a loopback
// port, in a folder of its own, as nobody when the tests run as root (as the
// PostgreSQL server of postgres_server.hpp); stopped when the object goes.
#pragma once

#include <sys/types.h>

#include <string>

#include "support/temp_dir.hpp"

namespace scanhook::testing {

class ProxyProcess {
 public:
  enum class Kind { nginx, caddy };

  // The program's path (searched in PATH, /usr/sbin and /sbin), or "" when it
  // is not installed.
  static std::string find(Kind kind);

  // Starts `kind` with `site` (nginx: server and upstream blocks, read in the
  // http block; Caddy: site blocks) and waits until 127.0.0.1:`port`, where
  // `site` listens, accepts connections. Throws, with the proxy's log, when
  // it exits or does not listen within 20 s.
  ProxyProcess(Kind kind, const std::string& site, unsigned short port);
  ~ProxyProcess();  // SIGTERM to its process group, then SIGKILL after 5 s
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;

  std::string log() const;  // its stdout and stderr

 private:
  void stop();

  TempDir dir_;
  pid_t pid_ = -1;
};

}  // namespace scanhook::testing
