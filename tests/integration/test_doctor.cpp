// `scanhookd doctor` against the fake Plex, Jellyfin and Emby servers.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/media_servers.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::kEmbyKey;
using scanhook::testing::kPlexToken;
using scanhook::testing::MediaServers;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;

namespace {

// The shared servers, Emby with its TV library at /media/tv (its target
// rewrites /tv there); `plex_token` sent to Plex.
struct DoctorServers : MediaServers {
  DoctorServers() {
    emby.set_libraries(
        {{"4", "TV", "tvshows", {"/media/tv"}}, {"5", "Films", "movies", {"/films"}}});
  }

  std::string ini(const std::string& plex_token) const {
    return targets(plex_token) + "rewrite = /tv => /media/tv\n";  // Emby's section is the last
  }
};

}  // namespace

TEST_CASE("doctor probes each target and shows the library and request for each path", "[doctor]") {
  DoctorServers servers;
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", servers.ini(kPlexToken));
  const auto result =
      run_scanhookd({"doctor", "--config", ini.string(), "/tv/Severance/Season 02"});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output,
             Contains("target plex (plugin plex 1.0.0): reachable, credentials accepted\n"));
  CHECK_THAT(result.output,
             Contains("    GET " + servers.plex.url() +
                      "/library/sections/2/refresh?path=%2Ftv%2FSeverance%2FSeason%2002"));
  CHECK_THAT(result.output, Contains("target jellyfin (plugin jellyfin 1.0.0): reachable"));
  CHECK_THAT(result.output,
             Contains("    POST " + servers.jellyfin.url() + "/Library/Media/Updated"));
  CHECK_THAT(result.output, Contains("  /tv/Severance/Season 02 -> /media/tv/Severance/Season 02 "
                                     "(rewrite /tv => /media/tv)"));
  CHECK_THAT(result.output, Contains("doctor: all targets OK"));
  CHECK_THAT(result.output, !Contains(kPlexToken) && !Contains(kEmbyKey));
  CHECK(servers.plex.refreshed().empty());  // the doctor only looks
}

TEST_CASE("doctor exits 1 naming a rejected token and a path in no library", "[doctor]") {
  DoctorServers servers;
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", servers.ini("wrong-token"));
  const auto result = run_scanhookd({"doctor", "--config", ini.string(), "/music/Album"});
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("target plex (plugin plex 1.0.0): PROBLEM: "));
  CHECK_THAT(result.output, Contains("  /music/Album: PROBLEM: rejected: "));
  CHECK_THAT(result.output, Contains("doctor: problems found"));
}

TEST_CASE("doctor shows each server's version and libraries as the server reports them",
          "[doctor]") {
  DoctorServers servers;
  servers.jellyfin.set_version("10.8.13");
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", servers.ini(kPlexToken));
  const auto result = run_scanhookd({"doctor", "--config", ini.string()});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  // Plex: /identity's MediaContainer version; Jellyfin and Emby: /System/Info/Public's Version.
  CHECK_THAT(result.output, Contains("target plex (plugin plex 1.0.0): reachable, credentials "
                                     "accepted\n  server: Plex Media Server 1.41.3.9314-a0bfb8370\n"
                                     "  libraries:\n    TV Shows (id 2): /tv\n"
                                     "    Films (id 1): /films\n"));
  CHECK_THAT(result.output, Contains("  server: Jellyfin 10.8.13\n  libraries:\n"
                                     "    Shows (id f137a2dd21bbc1b99aa5c0f6bf02a805): /tv\n"));
  CHECK_THAT(result.output,
             Contains("  server: Emby 4.8.10.0\n  libraries:\n    TV (id 4): /media/tv\n"));
}

TEST_CASE("doctor says a rejected token before it lists libraries, and lists none", "[doctor]") {
  DoctorServers servers;
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", servers.ini("wrong-token"));
  const auto result = run_scanhookd({"doctor", "--config", ini.string()});
  INFO(result.output);
  CHECK(result.exit_code == 1);
  const auto plex = result.output.find("target plex");
  const auto jellyfin = result.output.find("target jellyfin");
  REQUIRE(plex != std::string::npos);
  REQUIRE(jellyfin != std::string::npos);
  const std::string plex_part = result.output.substr(plex, jellyfin - plex);
  CHECK_THAT(plex_part, Contains("PROBLEM: unavailable: "));
  CHECK_THAT(plex_part, !Contains("TV Shows"));
}

TEST_CASE("doctor says 'version unknown' for a target whose plugin cannot describe its server",
          "[doctor]") {
  TempDir dir;
  const auto ini = dir.write("scanhook.ini", "[target.log]\n");
  const auto result = run_scanhookd({"doctor", "--config", ini.string(), "/tv/Show"});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output,
             Contains("target log (plugin log 1.0.0): writes each scan as a line of scanhookd's "
                      "log (\"scan log ...\")\n"
                      "  server: version unknown (the log plugin does not describe its server)\n"));
}

TEST_CASE("doctor says what the log and command targets checked, not that they are reachable",
          "[doctor]") {
  TempDir dir;
  const auto ini = dir.write("scanhook.ini",
                             "[target.log]\nprefix = scanned\n[target.hook]\nplugin = "
                             "command\ncommand = /bin/true --library 'TV Shows'\n");
  const auto result = run_scanhookd({"doctor", "--config", ini.string(), "/tv/Show"});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("target log (plugin log 1.0.0): writes each scan as a line of "
                                     "scanhookd's log (\"scanned log ...\")\n"));
  CHECK_THAT(result.output, Contains("target hook (plugin command 1.0.0): runs /bin/true --library "
                                     "'TV Shows' (/bin/true is an executable file; not run to "
                                     "check)\n"));
  CHECK_THAT(result.output, !Contains("reachable"));
}

TEST_CASE("doctor says whether the folders a require_exists target waits for are on this machine",
          "[doctor]") {
  TempDir dir;
  const auto media = dir.path() / "media";
  std::filesystem::create_directories(media / "tv" / "Severance" / "Season 02");
  const auto ini = dir.write("scanhook.ini",
                             "[target.log]\nrequire_exists = true\nlocal_rewrite = "
                             "/tv => " +
                                 (media / "tv").string() + "\n");
  const auto result = run_scanhookd(
      {"doctor", "--config", ini.string(), "/tv/Severance/Season 02", "/tv/Andor/Season 01"});
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output,
             Contains("  /tv/Severance/Season 02: log\n    LOG scan "
                      "/tv/Severance/Season 02\n    require_exists: " +
                      (media / "tv" / "Severance" / "Season 02").string() + " exists\n"));
  CHECK_THAT(result.output,
             Contains("    require_exists: PROBLEM: the folder " +
                      (media / "tv" / "Andor" / "Season 01").string() +
                      " (local_rewrite of /tv/Andor/Season 01) does not exist (the target gets "
                      "the folder only once it does)\n"));
  CHECK_THAT(result.output, Contains("doctor: problems found"));
}

TEST_CASE("doctor without paths checks the folders queued and in the history", "[doctor]") {
  DoctorServers servers;
  TempDir dir;
  // The daemon queues a folder (held for an hour) and records a dropped one in the history.
  const std::string ini = servers.ini(kPlexToken) + "[server]\nlisten = 127.0.0.1:0\ndatabase = " +
                          (dir.path() / "scanhook.db").string() +
                          "\n[queue]\nminimum_age = 1h\n[manual]\nexclude = ^/tv/Excluded\n";
  {
    DaemonProcess daemon(dir.path(), ini);
    REQUIRE(daemon.wait_until_listening());
    const DaemonClient client(daemon.url());
    client.post_json("/api/scan", R"({"paths":["/tv/Severance/Season 02"]})");
    REQUIRE(client.post("/triggers/manual?dir=/tv/Excluded/Season%2001", "", "text/plain").status ==
            200);
    daemon.send_signal(SIGTERM);
    REQUIRE(daemon.wait_for_exit());
  }
  const auto result = run_scanhookd({"doctor", "--config", (dir.path() / "scanhook.ini").string()});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("no PATH given: the 2 folders queued or last in the history"));
  CHECK_THAT(
      result.output,
      Contains("  /tv/Severance/Season 02: TV Shows (section 2)\n    GET " + servers.plex.url() +
               "/library/sections/2/refresh?path=%2Ftv%2FSeverance%2FSeason%2002\n"));
  CHECK_THAT(result.output, Contains("  /tv/Excluded/Season 01: TV Shows (section 2)\n"));
}

TEST_CASE("GET /api/targets/{name}/description answers what doctor shows, per target", "[doctor]") {
  DoctorServers servers;
  TempDir dir;
  DaemonProcess daemon(dir.path(), servers.ini(kPlexToken) +
                                       "[target.log]\n[server]\nlisten = 127.0.0.1:0\ndatabase = "
                                       "{dir}/scanhook.db\n[queue]\nminimum_age = 1h\n");
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());

  const auto plex = client.get_json("/api/targets/plex/description");
  CHECK(plex->getValue<bool>("describes"));
  CHECK(plex->getValue<std::string>("state") == "ok");
  CHECK(plex->getValue<std::string>("product") == "Plex Media Server");
  CHECK(plex->getValue<std::string>("version") == "1.41.3.9314-a0bfb8370");
  const auto sections = plex->getArray("libraries");
  REQUIRE(sections->size() == 2);
  CHECK(sections->getObject(0)->getValue<std::string>("id") == "2");
  CHECK(sections->getObject(0)->getValue<std::string>("name") == "TV Shows");
  CHECK(sections->getObject(0)->getArray("folders")->getElement<std::string>(0) == "/tv");

  const auto emby = client.get_json("/api/targets/emby/description");
  CHECK(emby->getValue<std::string>("version") == "4.8.10.0");
  CHECK(emby->getArray("libraries")->getObject(0)->getValue<std::string>("id") == "4");

  // A plugin that does not describe its server: its probe's verdict only.
  const auto log = client.get_json("/api/targets/log/description");
  CHECK_FALSE(log->getValue<bool>("describes"));
  CHECK(log->getValue<std::string>("state") == "ok");
  CHECK(log->getValue<std::string>("version").empty());
  CHECK(log->getArray("libraries")->size() == 0);

  const auto missing = client.post("/api/targets/plexx/description", "", "text/plain");
  CHECK(missing.status == 405);
  const auto unknown =
      scanhook::support::HttpClient(daemon.url(), {}).send("GET", "/api/targets/plexx/description");
  CHECK(unknown.status == 404);
  CHECK_THAT(unknown.body, Contains("no target named \\\"plexx\\\" (did you mean 'plex'?)"));
  CHECK(servers.plex.refreshed().empty());  // describing scans nothing
}

TEST_CASE("a target plugin built against SDK 1.1 still loads, scans and shows 'version unknown'",
          "[doctor]") {
  TempDir dir;
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "sdk_1_1.so",
                             plugins / "fixture_old.so");
  const std::string ini =
      "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n"
      "plugin_dir = {dir}/plugins\n[queue]\nminimum_age = 0s\n"
      "idle_interval = 20ms\n[target.old]\nplugin = fixture_old\napi_key = k\n";
  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());
  const auto old = client.get_json("/api/targets/old/description");
  CHECK_FALSE(old->getValue<bool>("describes"));
  CHECK(old->getValue<std::string>("state") == "ok");
  CHECK(old->getValue<std::string>("plugin_version") == "0.0.1");
  client.post_json("/api/scan", R"({"paths":["/tv/Show"]})");
  CHECK(scanhook::testing::eventually([&] {
    return client.get_json("/api/history?outcome=ok&target=old")->getValue<int>("total") == 1;
  }));
  const auto result =
      run_scanhookd({"doctor", "--config", (dir.path() / "scanhook.ini").string(), "/tv/Show"});
  INFO(result.output);
  CHECK_THAT(result.output,
             Contains("target old (plugin fixture_old 0.0.1): its probe passed (the fixture_old "
                      "plugin does not say what it checks)\n"
                      "  server: version unknown (the fixture_old plugin does not describe its "
                      "server)\n"));
}
