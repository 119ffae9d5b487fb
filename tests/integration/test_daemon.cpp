#include <catch2/catch.hpp>

#include <sstream>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "scanhook/abi.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/rclone_process.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;

namespace {

const std::string kMinimalIni =
    "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n[queue]\nminimum_age = 0s\n"
    "[target.log]\n";

// A plugin folder holding the real log plugin and some broken fixtures.
std::filesystem::path plugin_dir_with(const TempDir& dir,
                                      const std::vector<std::string>& fixtures) {
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(scanhook::testing::plugin_file("log"), plugins / "log.so");
  for (const auto& name : fixtures)
    std::filesystem::copy_file(std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / (name + ".so"),
                               plugins / (name + ".so"));
  return plugins;
}

}  // namespace

TEST_CASE("scanhookd --version and --help tell the truth", "[daemon]") {
  auto result = run_scanhookd({"--version"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("scanhookd 0.1.0 (plugin SDK 1." +
                                     std::to_string(scanhook::kAbiMinor) + ","));
  result = run_scanhookd({"--help"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("  --check-config          validate the configuration") &&
                                Contains("  plugins                 list the plugins") &&
                                Contains("  -c FILE, --config=FILE  the INI file"));
  // Within an 80-column terminal, no line ending in a space (Poco's formatter
  // broke "PATH,\n" and "refusals" onto lines of their own).
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 80);
    CHECK((line.empty() || line.back() != ' '));
  }
  // Every exit code scanhookd and its commands use, one a line.
  for (const char* code : {"\n  0  ", "\n  1  ", "\n  64 ", "\n  65 ", "\n  66 ", "\n  70 ",
                           "\n  73 ", "\n  74 ", "\n  78 "})
    CHECK_THAT(result.output, Contains(code));
  CHECK_THAT(result.output, Contains("  doctor [PATH ...]       probe every target (reachable, "
                                     "credentials) and show,\n                          for each "
                                     "PATH"));
}

TEST_CASE("scanhookd plugins lists the built plugins with their kinds", "[daemon]") {
  const auto result = run_scanhookd({"plugins"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("  log 1.0.0  [target]  ") && Contains("log.so"));
  CHECK_THAT(result.output, Contains("  discord 1.0.0  [notifier]  ") &&
                                Contains("  sonarr 1.1.0  [webhook source, target]  "));
}

TEST_CASE("check-config accepts the shipped INI and refuses a broken one with exit code 78",
          "[daemon]") {
  auto result =
      run_scanhookd({"--check-config", "--config", SCANHOOK_SOURCE_DIR "/etc/scanhook.ini"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("configuration OK"));

  TempDir dir;
  const auto ini = dir.write("bad.ini", "[target.log]\nprefx = x\n");
  result = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(
      result.output,
      Contains(ini.string() + ":2: [target.log] prefx: unknown key (did you mean 'prefix'?)"));

  for (const auto& [line, said] : std::vector<std::pair<std::string, std::string>>{
           {"threads = 0", "[server] threads: must be from 1 to 1024"},
           // It used to start 32,000 threads and abort.
           {"threads = 100000000", "[server] threads: must be from 1 to 1024"},
           {"log_level = loud", "[server] log_level: \"loud\" is not a level"},
           {"max_body_size = 0", "[server] max_body_size: must be from 1 to 1073741824"},
           {"session_idle_timeout = 0s", "[server] session_idle_timeout: must be from 1s to 30d"},
           {"max_connections = 0", "[server] max_connections: must be from 1 to 1000000"},
           {"header_timeout = 0s", "[server] header_timeout: must be from 100ms to 1d"}}) {
    const auto limits = dir.write("limits.ini", "[server]\n" + line + "\n[target.log]\n");
    result = run_scanhookd({"--check-config", "--config", limits.string()});
    CHECK(result.exit_code == 78);
    CHECK_THAT(result.output, Contains(limits.string() + ":2: " + said));
  }
  for (const auto& [line, said] : std::vector<std::pair<std::string, std::string>>{
           // A negative count answered "dead_letter":1 for letters it never kept.
           {"dead_letter_count = -100",
            "[queue] dead_letter_count: must be from 0 to 1000000 (0 keeps none)"},
           // 0s spun a core while idle.
           {"idle_interval = 0s", "[queue] idle_interval: must be from 1ms to 1h"},
           {"probe_interval = 0s", "[queue] probe_interval: must be from 1ms to 1d"},
           {"retry_max = 1s", "[queue] retry_max: must not be below retry_initial"}}) {
    const auto limits = dir.write("queue.ini", "[queue]\n" + line + "\n[target.log]\n");
    result = run_scanhookd({"--check-config", "--config", limits.string()});
    CHECK(result.exit_code == 78);
    CHECK_THAT(result.output, Contains(limits.string() + ":2: " + said));
  }

  result = run_scanhookd({"--config", "/nonexistent/scanhook.ini"});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains("/nonexistent/scanhook.ini: cannot read the configuration file"));
}

TEST_CASE("listening beyond loopback without credentials is refused unless allowed", "[daemon]") {
  TempDir dir;
  auto ini = dir.write("open.ini", "[server]\nlisten = 0.0.0.0:0\n[target.log]\n");
  auto result = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains("0.0.0.0 is reachable from other machines and no username/password is set"));

  ini = dir.write("allowed.ini",
                  "[server]\nlisten = 0.0.0.0:0\nallow_unauthenticated = true\n[target.log]\n");
  CHECK(run_scanhookd({"--check-config", "--config", ini.string()}).exit_code == 0);
}

TEST_CASE("a broken plugin the configuration does not use is never loaded, and plugins lists it",
          "[daemon]") {
  TempDir dir;
  const auto plugins = plugin_dir_with(dir, {"bad_magic", "abi_major_next"});
  // This one aborts the process as soon as it is loaded.
  std::filesystem::copy_file(
      std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "at_load" / "aborts_at_load.so",
      plugins / "aborts_at_load.so");
  const std::string ini = "[server]\nlisten = 127.0.0.1:0\nplugin_dir = " + plugins.string() +
                          "\ndatabase = {dir}/db\n[target.log]\n";
  const auto check =
      run_scanhookd({"--check-config", "--config", dir.write("check.ini", ini).string()});
  CHECK(check.exit_code == 0);
  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  CHECK_THAT(daemon.output(), !Contains("bad_magic") && !Contains("abi_major_next"));

  // `plugins` loads every file to list it (the aborting one in a child process) and names the
  // refusals.
  const auto listed = run_scanhookd({"plugins", "--config", dir.write("list.ini", ini).string()});
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.output, Contains("bad_magic.so rejected: ") && Contains("magic number"));
  CHECK_THAT(listed.output, Contains("  log ") && Contains("aborts_at_load.so rejected: it crashed "
                                                           "while loading: SIGABRT"));
  // The fixture is built with the next major and this SDK's minor.
  CHECK_THAT(listed.output, Contains("abi_major_next.so rejected: built against SDK 2." +
                                     std::to_string(scanhook::kAbiMinor) +
                                     "; this scanhook speaks 1.x: rebuild the plugin"));
}

TEST_CASE("an unknown option or a missing option argument is a usage error (64)", "[daemon]") {
  auto result = run_scanhookd({"--frobnicate"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("frobnicate") && Contains("--help"));
  result = run_scanhookd({"--check-config", "--config"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("config requires FILE"));
}

TEST_CASE("an option with a value it cannot take is a usage error (64), not a configuration error",
          "[daemon]") {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--umask=999", "--check-config"}, "--umask takes an octal mask from 0 to 0777"},
      {{"--umask", "999", "--check-config"}, "not \"999\""},
      {{"--umask=1000", "--check-config"}, "not \"1000\""},
      {{"--umask=rw", "--check-config"}, "not \"rw\""},
      {{"--umask=", "--check-config"}, "--umask takes an octal mask"},
      // An empty --config read the built-in configuration.
      {{"--config=", "--check-config"}, "--config needs a file name"},
      {{"--pidfile=", "--check-config"}, "--pidfile needs a file name"},
      {{"--check-config=yes"}, "check-config"},
  };
  for (const auto& bad : cases) {
    INFO(bad.args.front());
    const auto result = run_scanhookd(bad.args);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.output, Contains(bad.says));
    CHECK_THAT(result.output, !Contains("configuration OK"));
  }
  // A good mask still passes, so the refusals above are the values'.
  const auto fine = run_scanhookd({"--umask=027", "--check-config"});
  CHECK(fine.exit_code == 0);
  CHECK_THAT(fine.output, Contains("configuration OK"));
}

TEST_CASE("a pid file whose folder does not exist cannot be created (73)", "[daemon]") {
  TempDir dir;
  const auto pid_file = (dir.path() / "no_such_folder" / "scanhookd.pid").string();
  const auto result = run_scanhookd({"--pidfile", pid_file, "--check-config"});
  CHECK(result.exit_code == 73);
  CHECK_THAT(result.output, Contains("cannot create the pid file " + pid_file));
}

TEST_CASE("a configuration path that is a folder is refused, not read as an empty file",
          "[daemon]") {
  TempDir dir;
  const auto result = run_scanhookd({"--check-config", "--config", dir.path().string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Contains(dir.path().string() + ": is a folder"));
  CHECK_THAT(result.output, !Contains("configuration OK"));
}

TEST_CASE("built-in commands refuse words they do not take (64)", "[daemon]") {
  auto result = run_scanhookd({"plugins", "extra", "words"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("plugins takes no words, and \"extra\" was given"));
  CHECK_THAT(result.output, !Contains("plugins in "));
  result = run_scanhookd({"db", "check", "now"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("usage: scanhookd db check"));
  // --check-config would be ignored by the command.
  result = run_scanhookd({"--check-config", "plugins"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("--check-config runs no command, and \"plugins\" was given"));
  result = run_scanhookd({"plugins"});
  CHECK(result.exit_code == 0);
}

TEST_CASE("a broken plugin the configuration uses stops start-up with exit code 78", "[daemon]") {
  TempDir dir;
  const auto plugins = plugin_dir_with(dir, {"abi_major_next"});
  const auto ini =
      dir.write("scanhook.ini", "[server]\nlisten = 127.0.0.1:0\nplugin_dir = " + plugins.string() +
                                    "\n[target.x]\nplugin = abi_major_next\n");
  const auto result = run_scanhookd({"--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains("[target.x] plugin: plugin ") &&
                 Contains("built against SDK 2." + std::to_string(scanhook::kAbiMinor) +
                          "; this scanhook speaks 1.x"));
}

TEST_CASE("the daemon answers /health and /metrics and stops cleanly on SIGTERM", "[daemon]") {
  TempDir dir;
  DaemonProcess daemon(dir.path(), kMinimalIni);
  REQUIRE(daemon.wait_until_listening());
  scanhook::support::HttpClient client(daemon.url(), {});
  const auto health = client.send("GET", "/health");
  CHECK(health.status == 200);
  CHECK_THAT(health.body,
             Contains("\"status\":\"ok\"") && Contains("\"version\":\"0.1.0\"") &&
                 Contains("{\"name\":\"log\",\"version\":\"1.0.0\",\"kinds\":[\"target\"]}"));
  const auto metrics = client.send("GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body,
             Contains("# TYPE process_resident_memory_bytes gauge") &&
                 Contains("scanhook_http_requests_total{route=\"/health\",status=\"200\"} 1"));

  daemon.send_signal(SIGTERM);
  CHECK(daemon.wait_for_exit() == std::optional<int>(0));
  CHECK_THAT(daemon.output(), Contains("stopping"));
}

// Found by a new-user trial: it exited 78, which the systemd unit does not
// restart on, so a port held for a moment kept the service down for good.
TEST_CASE("a second daemon on a taken port says so and exits 75, which systemd restarts on",
          "[daemon]") {
  TempDir dir;
  DaemonProcess first(dir.path(), kMinimalIni);
  REQUIRE(first.wait_until_listening());
  TempDir other;
  const auto ini = other.write("scanhook.ini",
                               "[server]\nlisten = 127.0.0.1:" + std::to_string(first.port()) +
                                   "\ndatabase = " + other.path().string() + "/db\n[target.log]\n");
  const auto result = run_scanhookd({"--config", ini.string()});
  CHECK(result.exit_code == 75);
  CHECK_THAT(result.output, Contains("cannot listen on 127.0.0.1:" + std::to_string(first.port())));
}

TEST_CASE("a second daemon on the same database says the queue is in use and exits with code 78",
          "[daemon]") {
  TempDir dir;
  DaemonProcess first(dir.path(), kMinimalIni);
  REQUIRE(first.wait_until_listening());
  TempDir other;  // its own port, the first one's database
  const auto ini = other.write("scanhook.ini",
                               "[server]\nlisten = 127.0.0.1:0\ndatabase = " + dir.path().string() +
                                   "/scanhook.db\n[target.log]\n");
  const auto result = run_scanhookd({"--config", ini.string()});
  CHECK(result.exit_code == 78);  // as the README says: a configuration error, not restarted
  CHECK_THAT(result.output, Contains("is in use by another scanhookd"));
  CHECK(scanhook::support::HttpClient(first.url(), {}).send("GET", "/health").status == 200);
}

// Found by a new-user trial: Poco's ServerApplication changes to "/" after
// forking, so a relative --config was not found (exit 0 in the parent, nothing
// running) and a relative database became /state/... beside the root.
TEST_CASE("under --daemon a relative --config and database mean where scanhookd was started",
          "[daemon]") {
  TempDir dir;
  const unsigned short port = scanhook::testing::free_port();
  std::ofstream(dir / "relative.ini")
      << "[server]\nlisten = 127.0.0.1:" << port << "\ndatabase = state/queue.db\n[target.log]\n";
  const std::string pidfile = (dir / "scanhookd.pid").string();
  const auto started = scanhook::testing::run_program(
      "/bin/sh",
      {"-c",
       "cd '" + dir.path().string() +
           "' && exec '" SCANHOOKD_PATH "' --config relative.ini --daemon --pidfile=" + pidfile},
      {});
  CHECK(started.exit_code == 0);
  REQUIRE(scanhook::testing::eventually([&] { return std::filesystem::exists(pidfile); },
                                        std::chrono::seconds(20)));
  pid_t pid = 0;
  REQUIRE(scanhook::testing::eventually([&] { return (std::ifstream(pidfile) >> pid) && pid > 0; },
                                        std::chrono::seconds(5)));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  CHECK(scanhook::testing::eventually(
      [&] {
        try {
          return scanhook::support::HttpClient(url, {}).send("GET", "/health").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(20)));
  CHECK(std::filesystem::exists(dir / "state" / "queue.db"));
  ::kill(pid, SIGTERM);
  CHECK(
      scanhook::testing::eventually([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(20)));
}
