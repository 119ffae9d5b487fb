// The real scanhookd on plugin files that would crash it if loaded blindly:
// a truncated copy (glibc's dlopen faults on it), one that aborts in a static
// initialiser, and files or folders it cannot read.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::CommandResult;
using scanhook::testing::DaemonProcess;
using scanhook::testing::run_program;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;

namespace {

// A plugin folder holding the real sonarr plugin and the first 5,000 bytes of
// the real log plugin, as a copy cut short by a full disk leaves it.
std::filesystem::path plugins_with_truncated_log(const TempDir& dir) {
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(scanhook::testing::plugin_file("sonarr"), plugins / "sonarr.so");
  std::ifstream whole(scanhook::testing::plugin_file("log"), std::ios::binary);
  std::string head(5000, '\0');
  whole.read(head.data(), static_cast<std::streamsize>(head.size()));
  std::ofstream(plugins / "log.so", std::ios::binary) << head;
  return plugins;
}

std::string ini_for(const std::filesystem::path& plugins, const std::string& sections) {
  return "[server]\nlisten = 127.0.0.1:0\nplugin_dir = " + plugins.string() +
         "\ndatabase = {dir}/scanhook.db\n" + sections;
}

std::string check_ini(const TempDir& dir, const std::string& name, const std::string& ini) {
  std::string text = ini;
  text.replace(text.find("{dir}"), 5, dir.path().string());
  return dir.write(name, text).string();
}

// scanhookd as an unprivileged user (root reads a chmod 000 file anyway).
CommandResult run_scanhookd_unprivileged(const std::vector<std::string>& args) {
  if (::geteuid() != 0) return run_scanhookd(args);
  std::vector<std::string> wrapped = {"--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                      SCANHOOKD_PATH};
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  return run_program("/usr/bin/setpriv", wrapped, {});
}

}  // namespace

TEST_CASE("a truncated plugin the configuration uses stops check and start with exit 78, named",
          "[loader]") {
  TempDir dir;
  const auto plugins = plugins_with_truncated_log(dir);
  const std::string ini = ini_for(plugins, "[source.sonarr]\n[target.log]\n");
  const std::string refusal = plugins.string() + "/log.so rejected: truncated or damaged (";

  const auto check = run_scanhookd({"--check-config", "--config", check_ini(dir, "c.ini", ini)});
  CHECK(check.exit_code == 78);
  CHECK_THAT(check.output, Contains(refusal) && Contains("the file has 5000 bytes)"));

  DaemonProcess daemon(dir.path(), ini);
  CHECK(daemon.wait_for_exit() == 78);
  CHECK_THAT(daemon.output(), Contains(refusal));
}

TEST_CASE("plugins lists every other plugin and says why a truncated one was refused", "[loader]") {
  TempDir dir;
  const auto plugins = plugins_with_truncated_log(dir);
  // The configuration does not need log: the daemon starts without loading it.
  const std::string ini = ini_for(plugins, "[source.sonarr]\n");
  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  CHECK_THAT(daemon.output(), !Contains("log.so"));

  const auto listed = run_scanhookd({"plugins", "--config", check_ini(dir, "l.ini", ini)});
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.output,
             Contains("  sonarr ") && Contains("refused: plugin " + plugins.string() +
                                               "/log.so rejected: truncated or damaged ("));
}

TEST_CASE("a plugin that aborts while loading is refused with its signal, at check and start",
          "[loader]") {
  TempDir dir;
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(scanhook::testing::plugin_file("log"), plugins / "log.so");
  std::filesystem::copy_file(
      std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "at_load" / "aborts_at_load.so",
      plugins / "aborts_at_load.so");
  const std::string ini = ini_for(plugins, "[target.log]\n[target.aborts_at_load]\n");
  const std::string refusal =
      plugins.string() + "/aborts_at_load.so rejected: it crashed while loading: SIGABRT";

  const auto check = run_scanhookd({"--check-config", "--config", check_ini(dir, "c.ini", ini)});
  CHECK(check.exit_code == 78);
  CHECK_THAT(check.output, Contains(refusal));

  DaemonProcess daemon(dir.path(), ini);
  CHECK(daemon.wait_for_exit() == 78);
  CHECK_THAT(daemon.output(), Contains(refusal));

  // The child that aborted left no core file behind (its core limit is 0).
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    CHECK(entry.path().filename().string().rfind("core", 0) != 0);
}

TEST_CASE("a plugin folder that cannot be listed is named with the reason, not as a missing plugin",
          "[loader]") {
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(scanhook::testing::plugin_file("sonarr"), plugins / "sonarr.so");
  const auto config = check_ini(dir, "c.ini", ini_for(plugins, "[source.sonarr]\n"));
  std::filesystem::permissions(config, std::filesystem::perms(0644));

  SECTION("the folder") {
    std::filesystem::permissions(plugins, std::filesystem::perms::none);
    const auto check = run_scanhookd_unprivileged({"--check-config", "--config", config});
    std::filesystem::permissions(plugins, std::filesystem::perms(0755));
    CHECK(check.exit_code == 78);
    CHECK_THAT(check.output, Contains("cannot list " + plugins.string() + ": Permission denied") &&
                                 !Contains("no plugin named"));
  }
  SECTION("one plugin file") {
    std::filesystem::permissions(plugins, std::filesystem::perms(0755));
    std::filesystem::permissions(plugins / "sonarr.so", std::filesystem::perms::none);
    const auto check = run_scanhookd_unprivileged({"--check-config", "--config", config});
    CHECK(check.exit_code == 78);
    CHECK_THAT(check.output,
               Contains(plugins.string() + "/sonarr.so rejected: cannot read the file: "
                                           "Permission denied"));
  }
}
