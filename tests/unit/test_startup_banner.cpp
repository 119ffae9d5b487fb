#include <catch2/catch.hpp>

#include "scanhook/core/app/startup_banner.hpp"
#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/default_config.hpp"

using Catch::Matchers::Contains;
using scanhook::core::duration_text;
using scanhook::core::parse_ini;
using scanhook::core::PluginCatalog;
using scanhook::core::startup_banner;
using scanhook::core::validate_config;
using scanhook::core::webhook_base_url;

namespace {

const PluginCatalog& built_plugins() {
  static const PluginCatalog catalog = PluginCatalog::scan(SCANHOOK_PLUGIN_BUILD_DIR);
  return catalog;
}

std::string banner_of(const std::string& ini, const std::string& base_url) {
  std::string text;
  for (const auto& line :
       startup_banner(validate_config(parse_ini(ini, "scanhook.ini"), built_plugins()), base_url))
    text += line + "\n";
  return text;
}

}  // namespace

TEST_CASE("the built-in configuration's banner gives each *arr app its webhook URL and method",
          "[banner]") {
  const std::string text =
      banner_of(scanhook::core::default_config_text(), "http://127.0.0.1:3030");
  for (const std::string app : {"Sonarr", "Radarr", "Lidarr", "Readarr"}) {
    std::string instance = app;
    instance[0] = static_cast<char>(std::tolower(instance[0]));
    CHECK_THAT(text, Contains("source " + instance + ": in " + app +
                              ", Settings → Connect → + → Webhook: URL "
                              "http://127.0.0.1:3030/triggers/" +
                              instance + ", Method POST\n"));
  }
  CHECK_THAT(text, Contains("listening on loopback only"));
  CHECK_THAT(text, Contains("a change is scanned 10m after the last event for its folder "
                            "([queue] minimum_age = 10m)"));
  CHECK_THAT(text, Contains("scans go to the log only"));
}

TEST_CASE("the banner names a source's token and the server's credentials without showing them",
          "[banner]") {
  const std::string text = banner_of(
      "[server]\nlisten = 0.0.0.0:3030\nusername = admin\npassword = s3cret\n"
      "[queue]\nminimum_age = 90s\n[source.sonarr4k]\nplugin = sonarr\ntoken = t0ken\n"
      "[source.radarr]\n[target.plex]\nurl = http://127.0.0.1:32400\ntoken = x\n",
      "http://nas:3030");
  CHECK_THAT(text, Contains("source sonarr4k: in Sonarr, Settings → Connect → + → Webhook: URL "
                            "http://nas:3030/triggers/sonarr4k?token=<token of "
                            "[source.sonarr4k]>, Method POST\n"));
  CHECK_THAT(text, Contains("URL http://nas:3030/triggers/radarr, Method POST, Username and "
                            "Password: [server] username and password\n"));
  CHECK_THAT(text, !Contains("t0ken") && !Contains("s3cret") && !Contains("loopback") &&
                       !Contains("log only"));
  CHECK_THAT(text, Contains("scanned 1m30s after"));
}

TEST_CASE("the banner suggests a lower minimum_age only above the 30s it suggests", "[banner]") {
  const auto banner_at = [](const std::string& age) {
    return banner_of("[queue]\nminimum_age = " + age + "\n[source.sonarr]\n", "http://nas:3030");
  };
  CHECK_THAT(banner_at("10m"), Contains("lower it (e.g. 30s) to see scans sooner"));
  CHECK_THAT(banner_at("31s"), Contains("lower it (e.g. 30s)"));
  for (const std::string age : {"30s", "1s", "0s"}) {
    INFO(age);
    const std::string text = banner_at(age);
    CHECK_THAT(text, Contains("([queue] minimum_age = " + age + ")") && !Contains("lower it"));
  }
}

TEST_CASE("a source that finds changes itself is not said to be polled", "[banner]") {
  const std::string text = banner_of(
      "[source.media]\nplugin = inotify\npath = /tmp\n[source.cloud]\nplugin = rclone\n"
      "remote = gdrive:\n",
      "http://nas:3030");
  CHECK_THAT(text, Contains("source media (inotify): scanhookd finds the changes itself (no "
                            "webhook), nothing to set up in an app\n"));
  CHECK_THAT(text, Contains("source cloud (rclone): scanhookd finds the changes itself"));
  CHECK_THAT(text, !Contains("polled"));
}

TEST_CASE("a wildcard listen address is shown as this machine's name, IPv6 in brackets",
          "[banner]") {
  CHECK(webhook_base_url("127.0.0.1", 3030) == "http://127.0.0.1:3030");
  CHECK(webhook_base_url("::1", 8080) == "http://[::1]:8080");
  const std::string wildcard = webhook_base_url("0.0.0.0", 3030);
  CHECK_THAT(wildcard, !Contains("0.0.0.0") && Contains(":3030"));
}

TEST_CASE("durations are written back the way the INI reads them", "[banner]") {
  CHECK(duration_text(std::chrono::minutes(10)) == "10m");
  CHECK(duration_text(std::chrono::seconds(90)) == "1m30s");
  CHECK(duration_text(std::chrono::milliseconds(250)) == "250ms");
  CHECK(duration_text(std::chrono::hours(48)) == "2d");
  CHECK(duration_text(std::chrono::milliseconds(0)) == "0s");
}

TEST_CASE("the banner gives a source's pass URL without showing the pass", "[banner][pass]") {
  const std::string text =
      banner_of("[source.plex_autoscan]\npass = 0c1fa3c9867e48b1bb3aa055cb86\n[source.sonarr]\n",
                "http://nas:3468");
  CHECK_THAT(text, Contains("source plex_autoscan: in the plex_autoscan app's webhook settings: "
                            "URL http://nas:3468/triggers/plex_autoscan, Method POST; or URL "
                            "http://nas:3468/<pass of [source.plex_autoscan]> with nothing "
                            "else\n"));
  CHECK_THAT(text, Contains("URL http://nas:3468/triggers/sonarr, Method POST\n"));
  CHECK(text.find("0c1fa3c9867e48b1bb3aa055cb86") == std::string::npos);
}
