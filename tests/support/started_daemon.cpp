#include "support/started_daemon.hpp"

#include <catch2/catch.hpp>

namespace scanhook::testing {

namespace {

// The URL of `daemon`, once it listens.
std::string listening(DaemonProcess& daemon) {
  REQUIRE(daemon.wait_until_listening());
  return daemon.url();
}

}  // namespace

std::string quick_daemon_ini(const std::string& retry_max) {
  return "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\naccess_log = false\n"
         "[queue]\nminimum_age = 0s\nidle_interval = 20ms\nretry_initial = 100ms\nretry_max = " +
         retry_max + "\nprobe_interval = 100ms\n";
}

StartedDaemon::StartedDaemon(const std::string& ini)
    : daemon(dir.path(), ini), client(listening(daemon)) {}

}  // namespace scanhook::testing
