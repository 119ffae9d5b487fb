// scanhookd --check-config against the real start-up: a corpus of
// configurations start-up refuses, each run both ways. The check must refuse
// every one (naming file, line, section and key) and start-up must refuse it
// too, so "configuration OK" never precedes a failed start.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;
using scanhook::testing::TmpfsMount;

namespace {

// Lines 1-3 of most entries; their own lines start at line 4, inside [server].
const std::string kHead = "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/state/scanhook.db\n";

struct BadConfig {
  std::string ini;      // "{dir}" is the test's folder
  std::string refusal;  // what follows "FILE:": "LINE: [section] key: why"
  int start_exit = 78;  // what the real start-up exits with
};

const std::vector<BadConfig>& corpus() {
  static const std::vector<BadConfig> configs = {
      // The five (#15).
      {kHead + "[source.sonarr]\norigin_target = nosuch\n[target.log]\n",
       "5: [source.sonarr] origin_target: there is no [target.nosuch]"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400\ntoken = t\ntimeout = 0s\n",
       "7: [target.plex] timeout: must be from 1ms to 30d"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400\ntoken = t\nca_file = {dir}/ca.pem\n",
       "7: [target.plex] ca_file: only used with an https:// url"},
      {kHead + "[target.rclone]\nmissing_retries = 5000\n",
       "5: [target.rclone] missing_retries: must be from 0 to 1000, found \"5000\""},
      {kHead + "[source.rclone]\nremote = gdrive:Media\ninterval = 0s\n[target.log]\n",
       "6: [source.rclone] interval: must be from 1s to 30d"},
      // The media servers' connection settings.
      {kHead + "[target.plex]\nurl = https://127.0.0.1:32400\ntoken = t\n"
               "ca_file = http://example.com/ca.pem\n",
       "7: [target.plex] ca_file: expected an absolute path"},
      {kHead + "[target.plex]\nurl = https://127.0.0.1:32400\ntoken = t\n"
               "ca_file = {dir}/missing.pem\n",
       "7: [target.plex] ca_file: cannot read"},
      {kHead + "[target.plex]\nurl = https://127.0.0.1:32400\ntoken = t\n"
               "ca_file = {dir}/ca.pem\nverify_tls = false\n",
       "7: [target.plex] ca_file: ca_file and verify_tls = false contradict each other"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400\ntoken =\n",
       "6: [target.plex] token: the server's API token is empty"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400/?x=1\ntoken = t\n",
       "5: [target.plex] url: give only scheme, host, port and path prefix"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400\ntoken_file = {dir}/missing\n",
       "6: [target.plex] token_file: cannot read the file"},
      {kHead + "[target.emby]\nurl = http://127.0.0.1:8096/emby\ntoken = t\ntimeout = 0s\n",
       "7: [target.emby] timeout: must be from 1ms to 30d"},
      {kHead + "[source.jellyfin]\nurl = http://127.0.0.1:8096\nserver_token =\n[target.log]\n",
       "6: [source.jellyfin] server_token: the server's API token is empty"},
      // rclone.
      {kHead + "[target.rclone]\nmax_batch = 0\n",
       "5: [target.rclone] max_batch: must be from 1 to 1000"},
      {kHead + "[source.rclone]\nremote =\n[target.log]\n", "5: [source.rclone] remote: empty"},
      {kHead + "[target.rclone]\nca_file = {dir}/ca.pem\n",
       "5: [target.rclone] ca_file: only used with an https:// url"},
      {kHead + "[source.rclone]\nremote = gdrive:\nurl = https://127.0.0.1:5572\n"
               "ca_file = {dir}/missing.pem\n[target.log]\n",
       "7: [source.rclone] ca_file: cannot read"},
      {kHead + "[source.rclone]\nremote = gdrive:\npath_prefix = mnt/remote\n[target.log]\n",
       "6: [source.rclone] path_prefix: must be an absolute path"},
      {kHead + "[source.rclone]\nremote = gdrive:\nmax_deleted_percent = 0\n[target.log]\n",
       "6: [source.rclone] max_deleted_percent: must be from 1 to 100"},
      // The command target (SDK 1.2 check, #15).
      {kHead + "[target.cmd]\nplugin = command\ncommand = \"/usr/bin/scan --all\n",
       "6: [target.cmd] command: a double quote is not closed"},
      {kHead + "[target.cmd]\nplugin = command\ncommand =\n",
       "6: [target.cmd] command: it names no program"},
      {kHead + "[target.cmd]\nplugin = command\ncommand = /bin/true\nfolders = both\n",
       "7: [target.cmd] folders: must be arguments or stdin, not \"both\""},
      {kHead + "[target.cmd]\nplugin = command\ncommand = /bin/true\ntimeout = 500ms\n",
       "7: [target.cmd] timeout: must be from 1s to 30d"},
      {kHead + "[target.cmd]\nplugin = command\ncommand = /bin/true\nmax_batch = 0\n",
       "7: [target.cmd] max_batch: must be from 1 to 1000"},
      // Its program, looked up as a run would (a new-user trial found these passing).
      {kHead + "[target.cmd]\nplugin = command\ncommand = /nonexistent/prog --all\n",
       "6: [target.cmd] command: cannot run /nonexistent/prog: /nonexistent/prog: No such file or "
       "directory"},
      {kHead + "[target.cmd]\nplugin = command\ncommand = {dir}/ca.pem\n",
       "6: [target.cmd] command: cannot run {dir}/ca.pem: {dir}/ca.pem is not executable by this "
       "user"},
      {kHead + "[target.cmd]\nplugin = command\ncommand = {dir}/link\n",
       "6: [target.cmd] command: cannot run {dir}/link: {dir}/link is a folder, not a program"},
      {kHead + "[target.cmd]\nplugin = command\ncommand = scanhook-no-such-program\n",
       "6: [target.cmd] command: cannot run scanhook-no-such-program: no program "
       "scanhook-no-such-program in PATH ("},
      // The forward target.
      {kHead + "[target.fwd]\nplugin = forward\nurl = http://127.0.0.1:3030\nreceiver = plex\n",
       "7: [target.fwd] receiver: must be scanhook or autoscan, not \"plex\""},
      {kHead + "[target.fwd]\nplugin = forward\nurl = http://127.0.0.1:3030/?dir=/tv\n",
       "6: [target.fwd] url: give only scheme, host, port and path prefix"},
      {kHead + "[target.fwd]\nplugin = forward\nurl = http://127.0.0.1:3030\n"
               "ca_file = {dir}/ca.pem\n",
       "7: [target.fwd] ca_file: only used with an https:// url"},
      {kHead + "[target.fwd]\nplugin = forward\nurl = https://127.0.0.1:3030\n"
               "ca_file = {dir}/missing.pem\n",
       "7: [target.fwd] ca_file: cannot read"},
      {kHead + "[target.fwd]\nplugin = forward\nurl = http://127.0.0.1:3030\nmax_batch = 5000\n",
       "7: [target.fwd] max_batch: must be from 1 to 1000"},
      // The inotify source.
      {kHead + "[source.watch]\nplugin = inotify\npath = {dir}/missing\n[target.log]\n",
       "6: [source.watch] path: cannot see"},
      {kHead + "[source.watch]\nplugin = inotify\npath = {dir}/a_file\n[target.log]\n",
       "6: [source.watch] path: {dir}/a_file is not a folder"},
      {kHead + "[source.watch]\nplugin = inotify\npath = {dir}/link\n[target.log]\n",
       "6: [source.watch] path: {dir}/link is a symbolic link"},
      {kHead + "[source.watch]\nplugin = inotify\npath = {dir}\nrescan_interval = 0s\n"
               "[target.log]\n",
       "7: [source.watch] rescan_interval: must be from 1s to 30d"},
      // Audiobookshelf, and Sonarr and Radarr as targets.
      {kHead + "[target.abs]\nplugin = audiobookshelf\nurl = http://127.0.0.1:13378\ntoken =\n",
       "7: [target.abs] token: the server's API token is empty"},
      {kHead + "[target.abs]\nplugin = audiobookshelf\nurl = http://127.0.0.1:13378\ntoken = t\n"
               "ca_file = {dir}/ca.pem\n",
       "8: [target.abs] ca_file: only used with an https:// url"},
      {kHead + "[target.abs]\nplugin = audiobookshelf\nurl = http://127.0.0.1:13378\ntoken = t\n"
               "timeout = 0s\n",
       "8: [target.abs] timeout: must be from 1ms to 30d"},
      {kHead + "[target.sonarr]\nurl = http://127.0.0.1:8989\ntoken =\n",
       "6: [target.sonarr] token: the server's API token is empty"},
      {kHead + "[target.radarr]\nurl = https://127.0.0.1:7878\ntoken = k\nca_file = {dir}/ca.pem\n"
               "verify_tls = false\n",
       "7: [target.radarr] ca_file: ca_file and verify_tls = false contradict each other"},
      // The notifiers.
      {kHead + "[target.log]\n[notify.discord]\nurl = https://discord.com/api/webhooks/1/t\n"
               "username = Clyde\n",
       "7: [notify.discord] username: "},
      {kHead + "[target.log]\n[notify.discord]\nurl = discord.com/api/webhooks/1/t\n",
       "6: [notify.discord] url: not an http:// or https:// URL"},
      {kHead + "[target.log]\n[notify.discord]\nurl = http://127.0.0.1:9/hook\n"
               "ca_file = {dir}/ca.pem\n",
       "7: [notify.discord] ca_file: only used with an https:// url"},
      {kHead + "[target.log]\n[notify.hook]\nplugin = webhook\nurl = http://127.0.0.1:9/h\n"
               "max_batch = 0\n",
       "8: [notify.hook] max_batch: must be from 1 to 1000"},
      {kHead + "[target.log]\n[notify.hook]\nplugin = webhook\nurl = http://127.0.0.1:9/h\n"
               "timeout = 0s\n",
       "8: [notify.hook] timeout: must be from 1ms to 30d"},
      {kHead + "[target.log]\n[notify.hook]\nplugin = webhook\nurl = https://127.0.0.1:9/h\n"
               "ca_file = {dir}\n",
       "8: [notify.hook] ca_file: cannot read {dir}: it is empty or not a file"},
      // plex_autoscan's forwarding: to a webhook source that takes webhooks itself.
      {kHead + "[source.plex_autoscan]\nsonarr = sonar\n[source.sonarr]\n[target.log]\n",
       "5: [source.plex_autoscan] sonarr: there is no [source.sonar] (did you mean 'sonarr'?)"},
      {kHead + "[source.plex_autoscan]\nradarr = feed\n[source.feed]\nplugin = rclone\n"
               "remote = gdrive:Media\n[target.log]\n",
       "5: [source.plex_autoscan] radarr: [source.feed] (plugin rclone) is polled"},
      {kHead + "[source.plex_autoscan]\nlidarr = plex_autoscan\n[target.log]\n",
       "5: [source.plex_autoscan] lidarr: names this section itself"},
      {kHead + "[source.plex_autoscan]\nsonarr = front\n[source.front]\nplugin = plex_autoscan\n"
               "[target.log]\n",
       "5: [source.plex_autoscan] sonarr: [source.front] (plugin plex_autoscan) hands webhooks on "
       "itself"},
      // A source of another app's plugin (a new-user trial found it passing).
      {kHead + "[source.plex_autoscan]\nsonarr = radarr\n[source.radarr]\n[target.log]\n",
       "5: [source.plex_autoscan] sonarr: [source.radarr] is a radarr source, not a sonarr one"},
      {kHead + "[source.plex_autoscan]\nlidarr = music\n[source.music]\nplugin = sonarr\n"
               "[target.log]\n",
       "5: [source.plex_autoscan] lidarr: [source.music] is a sonarr source, not a lidarr one"},
      // A service.
      {kHead + "[service.plexsources]\nplugin = plex_optout\nproduct =\n",
       "6: [service.plexsources] product: must be 1 to 64 printable characters"},
      // The core's own keys.
      {kHead + "threads = 0\n[target.log]\n", "4: [server] threads: must be from 1 to 1024"},
      {kHead + "log_level = loud\n[target.log]\n",
       "4: [server] log_level: \"loud\" is not a level"},
      {kHead + "max_body_size = 0\n[target.log]\n",
       "4: [server] max_body_size: must be from 1 to 1073741824"},
      {kHead + "header_timeout = 0s\n[target.log]\n",
       "4: [server] header_timeout: must be from 100ms to 1d"},
      {kHead + "[queue]\nretry_initial = 1m\nretry_max = 30s\n[target.log]\n",
       "6: [queue] retry_max: must not be below retry_initial"},
      {kHead + "[queue]\nidle_interval = 0s\n[target.log]\n",
       "5: [queue] idle_interval: must be from 1ms to 1h"},
      {kHead + "[queue]\ndead_letter_count = -1\n[target.log]\n",
       "5: [queue] dead_letter_count: must be from 0 to 1000000"},
      // Values a new-user trial wrote wrongly: each passed the check.
      {kHead + "header_timeout = 999999999d\n[target.log]\n",
       "4: [server] header_timeout: must be from 100ms to 1d (no client could send a request in "
       "time), found \"999999999d\""},
      {kHead + "[queue]\nretry_max = 999999999999d\n[target.log]\n",
       "5: [queue] retry_max: too large: at most 30d"},
      {kHead + "[queue]\nretry_max = 99999999999999999999d\n[target.log]\n",
       "5: [queue] retry_max: too large: at most 30d"},
      {kHead + "[queue]\nlease = 1ms\n[target.log]\n",
       "5: [queue] lease: must be from 1s to 1d (renewed every third of it while a target works"},
      {kHead + "[queue]\nlisten = 127.0.0.1:3030\n[target.log]\n",
       "5: [queue] listen: unknown key (it belongs in [server])"},
      {kHead + "[target.log]\nminimum_age = 1m\n",
       "5: [target.log] minimum_age: unknown key (it belongs in [queue])"},
      {kHead + "[target.plex]\nurl = http://127.0.0.1:32400\ntoken = t\ntimeout = 999999999d\n",
       "7: [target.plex] timeout: must be from 1ms to 30d"},
      {kHead + "[manual]\nrewrite = /tv\n[target.log]\n", "5: [manual] rewrite: "},
      {kHead + "[target.log]\ninclude = (\n", "5: [target.log] include: not a valid regular"},
      {kHead + "[target.log]\nprefx = x\n",
       "5: [target.log] prefx: unknown key (did you mean 'prefix'?)"},
      {kHead + "[target.x]\nplugin = nosuch\n", "5: [target.x] plugin: no plugin named \"nosuch\""},
      {"[server]\nlisten = 0.0.0.0:0\ndatabase = {dir}/state/scanhook.db\n[target.log]\n",
       "2: [server] listen: 0.0.0.0 is reachable from other machines"},
      {"[server]\nlisten = somewhere\ndatabase = {dir}/state/scanhook.db\n[target.log]\n",
       "2: [server] listen: listen must be address:port"},
      // The database's place: start-up cannot create it (73, EX_CANTCREAT).
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/a_file/scanhook.db\n[target.log]\n",
       "3: [server] database: cannot create the folder", 73},
      // Found by a new-user trial: each passed the check and failed at start.
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/dangling/scanhook.db\n[target.log]\n",
       "3: [server] database: cannot create the folder {dir}/dangling for the database: "
       "{dir}/dangling is a symbolic link to {dir}/nowhere, which does not exist",
       74},
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/a_file\n[target.log]\n",
       "3: [server] database: {dir}/a_file is not an SQLite database (it does not start as one)",
       65},
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = /dev/null\n[target.log]\n",
       "3: [server] database: /dev/null is not a regular file", 74},
      // The kernel's filesystems, where root's access() says "writable" (a new-user trial).
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = /proc/x/q.db\n[target.log]\n",
       "3: [server] database: cannot create the database /proc/x/q.db: /proc is on procfs", 73},
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = /sys/scanhook/q.db\n[target.log]\n",
       "3: [server] database: cannot create the database /sys/scanhook/q.db: /sys is on sysfs", 73},
      {"[server]\nlisten = 127.0.0.1:0\ndatabase = /proc/self/status\n[target.log]\n",
       "3: [server] database: /proc/self/status is on procfs", 73},
  };
  return configs;
}

std::string with_dir(std::string text, const std::string& dir) {
  for (auto at = text.find("{dir}"); at != std::string::npos; at = text.find("{dir}", at))
    text.replace(at, 5, dir);
  return text;
}

}  // namespace

TEST_CASE(
    "check-config refuses every configuration start-up refuses, naming file, line, "
    "section and key",
    "[check-config]") {
  for (const auto& bad : corpus()) {
    TempDir dir;
    dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    dir.write("a_file", "not a folder\n");
    std::filesystem::create_directory_symlink(dir.path(), dir.path() / "link");
    std::filesystem::create_directory_symlink(dir.path() / "nowhere", dir.path() / "dangling");
    const auto ini = dir.write("scanhook.ini", with_dir(bad.ini, dir.path().string()));
    INFO(bad.ini);

    const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
    CHECK(checked.exit_code == 78);
    CHECK_THAT(checked.output,
               Contains(ini.string() + ":" + with_dir(bad.refusal, dir.path().string())));
    CHECK_THAT(checked.output, !Contains("configuration OK"));

    // Start-up refuses the same configuration, and nothing was written by either.
    const auto started = run_scanhookd({"--config", ini.string()});
    CHECK(started.exit_code == bad.start_exit);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "state"));
  }
}

TEST_CASE("check-config on a sound configuration opens nothing, and start-up then serves",
          "[check-config]") {
  TempDir dir;
  const std::string ini =
      kHead +
      "[source.sonarr]\n[target.rclone]\nurl = http://127.0.0.1:1\n[target.log]\n"
      "[service.plexsources]\nplugin = plex_optout\n";
  const auto file = dir.write("check.ini", with_dir(ini, dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", file.string()});
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.output, Contains("configuration OK"));
  // No database, no plex_optout account store, no listener: nothing at all.
  CHECK_FALSE(std::filesystem::exists(dir.path() / "state"));

  DaemonProcess daemon(dir.path(), ini);
  CHECK(daemon.wait_until_listening());
}

TEST_CASE("check-config says which plugins predate SDK 1.2 and so could not be checked",
          "[check-config]") {
  TempDir dir;
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "sdk_1_1.so",
                             plugins / "fixture_old.so");
  const auto ini = dir.write("old.ini", "[server]\nplugin_dir = " + plugins.string() +
                                            "\ndatabase = " + dir.path().string() +
                                            "/state/db\n[target.old]\nplugin = fixture_old\n"
                                            "api_key = k\n");
  const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.output, Contains("note: [target.old] plugin fixture_old is built against SDK "
                                      "1.1 (no check)") &&
                                 Contains("configuration OK"));
}

TEST_CASE(
    "check-config passes sound sections of the plugins with their own check, and start-up then "
    "serves them",
    "[check-config]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "watched");
  dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string ini =
      kHead +
      "[source.sonarr]\n[source.watch]\nplugin = inotify\npath = {dir}/watched/\n"
      "[source.plex_autoscan]\nsonarr = sonarr\nradarr =\n"
      "[target.cmd]\nplugin = command\ncommand = /bin/sh -c 'exit 0' scan\nfolders = stdin\n"
      "[target.fwd]\nplugin = forward\nurl = https://127.0.0.1:1\nreceiver = autoscan\n"
      "ca_file = {dir}/ca.pem\n"
      "[target.abs]\nplugin = audiobookshelf\nurl = http://127.0.0.1:1\ntoken = t\n"
      "[target.sonarr]\nurl = http://127.0.0.1:1\ntoken = k\n"
      "[notify.discord]\nurl = https://discord.com/api/webhooks/1/t\nusername = Media bot\n"
      "[notify.hook]\nplugin = webhook\nurl = http://127.0.0.1:1/hook\nmax_batch = 1000\n";
  const auto file = dir.write("sound.ini", with_dir(ini, dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", file.string()});
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.output, Contains("configuration OK") && !Contains("note:"));
  // lidarr keeps its default, and no [source.lidarr] takes it: said, not refused.
  CHECK_THAT(checked.output,
             Contains("[source.plex_autoscan] lidarr: no [source.lidarr] takes what the default "
                      "(lidarr) names"));
  CHECK_THAT(checked.output, !Contains("] sonarr:") && !Contains("] radarr:"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "state"));

  DaemonProcess daemon(dir.path(), ini);
  CHECK(daemon.wait_until_listening());
}

TEST_CASE("a required key set to a value its type refuses gets one refusal, not also \"missing\"",
          "[check-config]") {
  // Found by a new-user trial: the forward target's url said both.
  TempDir dir;
  const auto ini = dir.write(
      "ftp.ini",
      with_dir(kHead + "[target.fwd]\nplugin = forward\nurl = ftp://x\n", dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(checked.exit_code == 78);
  CHECK_THAT(
      checked.output,
      Contains(ini.string() +
               ":6: [target.fwd] url: expected an http:// or https:// URL, found \"ftp://x\""));
  CHECK_THAT(checked.output, !Contains("required key is missing"));
}

TEST_CASE("a plex_autoscan default naming a source of another plugin is a warning, not a refusal",
          "[check-config]") {
  TempDir dir;
  const auto ini =
      dir.write("default.ini", with_dir(kHead + "[source.plex_autoscan]\nradarr =\nlidarr =\n"
                                                "[source.sonarr]\nplugin = radarr\n[target.log]\n",
                                        dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.output,
             Contains(ini.string() +
                      ":4: [source.plex_autoscan] sonarr: [source.sonarr] is a radarr source, not "
                      "a sonarr one: it refuses what sonarr hands it (sonarr is the default)") &&
                 Contains("configuration OK"));
}

TEST_CASE("a database on a read-only mount is refused by check-config, and start-up exits 73",
          "[check-config]") {
  TmpfsMount disk(64 << 10);
  if (!disk.available()) {
    WARN(disk.why_unavailable());
    return;
  }
  disk.remount_read_only();
  TempDir dir;
  const std::string database = (disk.path() / "state" / "scanhook.db").string();
  const auto ini = dir.write(
      "ro.ini", "[server]\nlisten = 127.0.0.1:0\ndatabase = " + database + "\n[target.log]\n");
  const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(checked.exit_code == 78);
  CHECK_THAT(checked.output,
             Contains(ini.string() +
                      ":3: [server] database: cannot create the "
                      "database " +
                      database + ": " + disk.path().string() + " is on a read-only filesystem"));
  const auto started = run_scanhookd({"--config", ini.string()});
  CHECK(started.exit_code == 73);
}

TEST_CASE("a duration without a unit is read as seconds, and check-config says so",
          "[check-config]") {
  TempDir dir;
  const auto checked_with = [&](const std::string& minimum_age) {
    const auto ini = dir.write(
        "bare.ini", with_dir(kHead + "[queue]\nminimum_age = " + minimum_age + "\n[target.log]\n",
                             dir.path().string()));
    const auto checked = run_scanhookd({"--check-config", "--config", ini.string()});
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.output, Contains("configuration OK"));
    return checked.output;
  };
  CHECK_THAT(checked_with("30"),
             Contains("bare.ini:5: [queue] minimum_age: 30 has no unit: read as 30 seconds (write "
                      "30s to say so, or 250ms, 10m, 1h)"));
  CHECK_THAT(checked_with("1"), Contains("bare.ini:5: [queue] minimum_age: 1 has no unit: read as "
                                         "1 second (write 1s to say so"));
  CHECK_THAT(checked_with("0"), !Contains("minimum_age"));  // 0 is 0 in any unit
  CHECK_THAT(checked_with("30s"), !Contains("minimum_age"));
}

TEST_CASE("the client timeouts at their largest still let a POST through", "[check-config]") {
  // header_timeout = 999999999d passed the check and every POST was closed unanswered.
  TempDir dir;
  const std::string ini = kHead +
                          "header_timeout = 1d\nrequest_timeout = 1d\nkeep_alive_timeout = 1d\n"
                          "[queue]\nminimum_age = 1h\n[target.log]\n";
  const auto file = dir.write("long.ini", with_dir(ini, dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", file.string()});
  CHECK(checked.exit_code == 0);
  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());
  const auto answer =
      client.post("/triggers/manual?dir=/tv/Severance/Season%2002", "", "text/plain");
  INFO(answer.transport_error << " " << answer.body);
  CHECK(answer.status == 200);
}

TEST_CASE(
    "a BOM is skipped, and quoted values and history_retention = 0s are warned at check and start",
    "[check-config]") {
  TempDir dir;
  // Line 4 is [queue], 5 history_retention, 7 token.
  const std::string ini = "\xEF\xBB\xBF" + kHead +
                          "[queue]\nhistory_retention = 0s\n[source.sonarr]\ntoken = \"tok\"\n"
                          "[target.log]\n";
  const auto file = dir.write("bom.ini", with_dir(ini, dir.path().string()));
  const auto checked = run_scanhookd({"--check-config", "--config", file.string()});
  INFO(checked.output);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.output, Contains("configuration OK"));
  const std::string quoted =
      "bom.ini:7: [source.sonarr] token: value is wrapped in quotes; quotes are kept as part of it";
  const std::string no_history = "bom.ini:5: [queue] history_retention: 0s keeps no history";
  CHECK_THAT(checked.output, Contains(quoted));
  CHECK_THAT(checked.output, Contains(no_history));
  CHECK_THAT(checked.output, !Contains("tok\""));  // a secret is never repeated

  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  CHECK_THAT(daemon.output(), Contains("[source.sonarr] token: value is wrapped in quotes"));
  CHECK_THAT(daemon.output(), Contains("[queue] history_retention: 0s keeps no history"));
}
