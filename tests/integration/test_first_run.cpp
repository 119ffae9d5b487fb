// A new user's first run: the shipped etc/scanhook.ini as it is, with only
// what a container would set from the environment (SCANHOOK__SECTION__KEY).
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;

namespace {

std::string shipped_ini() {
  std::ifstream in(SCANHOOK_SOURCE_DIR "/etc/scanhook.ini");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Sets SCANHOOK__ variables for this test's child processes, then removes them.
class Environment {
 public:
  using Variables = std::vector<std::pair<std::string, std::string>>;
  explicit Environment(Variables variables) : variables_(std::move(variables)) {
    for (const auto& [name, value] : variables_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~Environment() {
    for (const auto& [name, value] : variables_) unsetenv(name.c_str());
  }

 private:
  Variables variables_;
};

}  // namespace

TEST_CASE("the shipped INI takes Sonarr's webhook and logs the delivered batch", "[first_run]") {
  TempDir dir;
  const Environment environment({{"SCANHOOK__SERVER__LISTEN", "127.0.0.1:0"},
                                 {"SCANHOOK__SERVER__DATABASE", (dir.path() / "db").string()},
                                 {"SCANHOOK__QUEUE__MINIMUM_AGE", "0s"}});
  DaemonProcess daemon(dir.path(), shipped_ini());
  REQUIRE(daemon.wait_until_listening());
  for (const std::string instance : {"sonarr", "radarr", "lidarr", "readarr"})
    CHECK(daemon.wait_for_output(": URL " + daemon.url() + "/triggers/" + instance +
                                 ", Method POST"));
  CHECK(daemon.wait_for_output("a change is scanned 0s after the last event"));

  const DaemonClient client(daemon.url());
  const auto answer =
      client.post("/triggers/sonarr", scanhook::testing::read_test_data("sonarr/v4/download.json"),
                  "application/json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1"));
  CHECK(daemon.wait_for_output("target log: 1 folder in "));
  CHECK(daemon.wait_for_output(" ms: 1 ok: /tv/Severance/Season 02\n"));
}

// libpq and what it pulls in (GnuTLS, Kerberos, LDAP: ~3 MiB resident) are
// loaded only for a PostgreSQL database (bench/README "After the house").
TEST_CASE("a daemon on the shipped SQLite defaults does not load libpq", "[first_run]") {
  TempDir dir;
  const Environment environment({{"SCANHOOK__SERVER__LISTEN", "127.0.0.1:0"},
                                 {"SCANHOOK__SERVER__DATABASE", (dir.path() / "db").string()}});
  DaemonProcess daemon(dir.path(), shipped_ini());
  REQUIRE(daemon.wait_until_listening());
  std::ifstream maps("/proc/" + std::to_string(daemon.pid()) + "/maps");
  std::ostringstream mapped;
  mapped << maps.rdbuf();
  REQUIRE_THAT(mapped.str(), Contains("libPocoFoundation"));  // the maps were read
  CHECK_THAT(mapped.str(), !Contains("libpq.so"));
}

TEST_CASE("a bad setting from the environment stops start-up naming the variable", "[first_run]") {
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", shipped_ini());
  const Environment environment(Environment::Variables{{"SCANHOOK__SERVER__THREADS", "0"}});
  const auto result = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(
      result.output,
      Contains("environment SCANHOOK__SERVER__THREADS: [server] threads: must be from 1 to 1024"));
}
