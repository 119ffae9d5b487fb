// The real scanhookd with the sonarr, radarr, lidarr and readarr plugins and a
// recording target: every fixture posted as the apps post it, the folders the
// target receives, and the autoscan / plex_autoscan URLs users bring along.
#include <catch2/catch.hpp>

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "support/daemon_process.hpp"
#include "support/plugin_daemon.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
using scanhook::testing::install_plugins;
using scanhook::testing::read_test_data;
using scanhook::testing::TempDir;
using Folders = std::vector<std::string>;

namespace {

const std::string kPass = "0c1fa3c9867e48b1bb3aa055cb86";

// Sources map the apps' paths (Linux and Windows hosts) into /data; the
// target maps /data to where its server sees it, /mnt.
const std::string kIni = R"([server]
listen = 127.0.0.1:0
database = {dir}/scanhook.db
plugin_dir = {dir}/plugins
username = admin
password = s3cret
threads = 4
[queue]
minimum_age = 0s
idle_interval = 20ms
[source.sonarr]
rewrite = /tv => /data/tv
rewrite = D:\TV => /data/tv
token = sonarr-token
[source.sonarr4k]
plugin = sonarr
rewrite = /tv => /data/tv4k
[source.radarr]
rewrite = /movies => /data/movies
rewrite = D:\Movies => /data/movies
[source.lidarr]
rewrite = /music => /data/music
rewrite = M:\Music => /data/music
[source.readarr]
rewrite = /books => /data/books
rewrite = E:\Books => /data/books
[source.radarr_uhd]
plugin = radarr
rewrite = /movies => /data/movies
include = 2160p
[source.plex_autoscan]
pass = )" + kPass + R"(
[target.rec]
plugin = recorder
record = {dir}/record
rewrite = /data => /mnt
exclude = ^/mnt/tv/Kids/
)";

struct Reply {
  int status = 0;
  std::string body;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string basic(const std::string& user, const std::string& password) {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << user << ":" << password;
  encoder.close();
  return "Basic " + encoded.str();
}

const Headers kAdmin = {{"Authorization", basic("admin", "s3cret")}};

// The daemon, its record file, and requests to it.
class Rig {
 public:
  Rig() {
    install_plugins(dir_.path(),
                    {"sonarr", "radarr", "lidarr", "readarr", "plex_autoscan", "recorder"});
    daemon_ = std::make_unique<DaemonProcess>(dir_.path(), kIni);
  }

  bool listening() { return daemon_->wait_until_listening(); }
  bool wait_for_output(const std::string& text) {
    return daemon_->wait_for_output(text, std::chrono::seconds(5));
  }
  std::string output() const { return daemon_->output(); }

  Reply call(const std::string& method, const std::string& uri, const std::string& body = "",
             const Headers& headers = {}, const std::string& content_type = "application/json") {
    Poco::Net::HTTPClientSession session("127.0.0.1", daemon_->port());
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.set("User-Agent", "Sonarr/4.0.14.2939 (ubuntu 22.04)");
    if (method != "GET" && method != "HEAD") {
      request.setContentType(content_type);
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream text;
    text << in.rdbuf();
    return {static_cast<int>(response.getStatus()), text.str()};
  }

  // The folders recorded since the last call, sorted, once every expected
  // one has arrived and the queue is empty (or after 5 s).
  Folders delivered(std::size_t expected) {
    for (int i = 0; i < 500; ++i) {
      if (lines().size() >= seen_ + expected &&
          call("GET", "/api/queue", "", kAdmin).body.find("\"total\":0,") != std::string::npos)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto all = lines();
    Folders fresh(all.begin() + static_cast<std::ptrdiff_t>(std::min(seen_, all.size())),
                  all.end());
    seen_ = all.size();
    std::sort(fresh.begin(), fresh.end());
    return fresh;
  }

  std::size_t queued() {
    const std::string body = call("GET", "/api/queue", "", kAdmin).body;
    const auto at = body.find("\"total\":");
    return at == std::string::npos ? 999 : std::stoul(body.substr(at + 8));
  }

 private:
  std::vector<std::string> lines() const {
    std::ifstream in(dir_.path() / "record");
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::size_t seen_ = 0;
};

// Each fixture of an app (tests/data/<app>/<version>/<file>) and the folders
// the target must receive for it, in the folder the app means.
using FixtureTable = std::map<std::string, Folders>;

const std::map<std::string, FixtureTable>& fixtures() {
  static const std::string tv = "/mnt/tv/Severance/Season 02";
  static const std::string foundation = "/mnt/tv/Foundation";
  static const std::string dune = "/mnt/movies/Dune Part Two (2024)";
  static const std::string oppenheimer = "/mnt/movies/Oppenheimer (2023)";
  static const std::string album = "/mnt/music/Radiohead/In Rainbows (2007)";
  static const std::string dummy = "/mnt/music/Portishead/Dummy (1994)";
  static const std::string author = "/mnt/books/Ursula K. Le Guin";
  static const std::string book = author + "/The Dispossessed (1974)";
  static const std::string jemisin = "/mnt/books/N. K. Jemisin";
  static const std::map<std::string, FixtureTable> table = {
      {"sonarr",
       {
           // v2 and v3 before 3.0.5: a Rename names only the series.
           {"v2/rename.json", {"/mnt/tv/Andor"}},
           // 3.0.5-3.0.10: episodeFile.path of a new import is the download client's file.
           {"v3/download.json", {foundation + "/Season 2"}},
           {"v3/download_upgrade.json", {foundation + "/Season 2"}},
           {"v3/rename.json", {foundation + "/Season 01", foundation + "/Season 1"}},
           {"v3/episode_file_delete.json", {foundation + "/Season 2"}},
           {"v3/series_delete.json", {foundation}},
           {"v3/test.json", {}},
           // 3.0.5 development builds: EpisodeFileDelete without episodeFile.
           {"v3.0.5-develop/episode_file_delete.json", {"/mnt/tv/Andor"}},
           {"v4.0.0-4.0.8/download.json", {foundation + "/Season 3"}},
           {"v4.0.0-4.0.8/download_import_complete.json", {foundation + "/Season 3"}},
           {"v4.0.0-4.0.8/rename.json", {foundation + "/Season 03", foundation + "/Season 3"}},
           {"v4.0.0-4.0.8/episode_file_delete.json", {foundation + "/Season 3"}},
           {"v4/download.json", {tv}},
           {"v4/download_upgrade.json", {tv}},
           {"v4/download_import_complete.json", {"/mnt/tv/The Bear/Season 3"}},
           {"v4/download_windows.json", {"/mnt/tv/The Bear/Season 3"}},
           {"v4/rename.json", {"/mnt/tv/Severance/Season 01", tv, "/mnt/tv/Severance/Season 1"}},
           {"v4/episode_file_delete.json", {tv}},
           {"v4/series_delete.json", {"/mnt/tv/Severance"}},
           {"v4/series_delete_kept_files.json", {}},
           {"v4/test.json", {}},
           {"v4/grab.json", {}},
           {"v4/series_add.json", {}},
           {"v4/health.json", {}},
           {"v4/health_restored.json", {}},
           {"v4/application_update.json", {}},
           {"v4/manual_interaction_required.json", {}},
       }},
      {"radarr",
       {
           {"v3/download.json", {oppenheimer}},
           {"v3/rename.json", {oppenheimer}},
           {"v3/movie_file_delete.json", {oppenheimer}},
           {"v4/download.json", {oppenheimer}},
           {"v4/rename.json", {oppenheimer}},
           {"v5.0-5.10.0/download.json", {oppenheimer}},
           {"v5.0-5.10.0/rename.json", {oppenheimer}},
           {"v6/download.json", {dune}},
           {"v6/download_upgrade.json", {dune}},
           {"v6/download_windows.json", {"/mnt/movies/Past Lives (2023)"}},
           {"v6/rename.json", {dune}},
           {"v6/movie_file_delete.json", {dune}},
           {"v6/movie_file_delete_windows.json", {"/mnt/movies/Past Lives (2023)"}},
           {"v6/movie_delete.json", {dune}},
           {"v6/movie_delete_kept_files.json", {}},
           {"v6/test.json", {}},
           {"v6/grab.json", {}},
           {"v6/movie_added.json", {}},
           {"v6/health.json", {}},
           {"v6/health_restored.json", {}},
           {"v6/application_update.json", {}},
           {"v6/manual_interaction_required.json", {}},
       }},
      {"lidarr",
       {
           {"v1.0/retag.json", {"/mnt/music/Radiohead"}},
           {"v1/download.json", {dummy}},
           {"v1/rename.json", {"/mnt/music/Portishead/Dummy", dummy}},
           {"v1/retag.json", {dummy}},
           // v1/album_delete.json names no folder at all: a 400 (see below).
           {"v2/download.json", {album}},
           {"v2/download_upgrade.json", {album}},
           {"v2/download_windows.json", {album}},
           {"v2/rename.json", {"/mnt/music/Radiohead/In Rainbows", album}},
           {"v2/retag.json", {album}},
           {"v2/artist_delete.json", {"/mnt/music/Radiohead"}},
           {"v2/album_delete.json", {"/mnt/music/Radiohead"}},
           {"v2/album_delete_kept_files.json", {}},
           {"v2/test.json", {}},
           {"v2/grab.json", {}},
           {"v2/download_failure.json", {}},
           {"v2/import_failure.json", {}},
           {"v2/artist_add.json", {}},
           {"v2/health.json", {}},
           {"v2/health_restored.json", {}},
           {"v2/application_update.json", {}},
       }},
      {"readarr",
       {
           {"v0.1/download.json", {jemisin + "/The Fifth Season (2015)"}},
           {"v0.1/rename.json",
            {jemisin + "/The Fifth Season", jemisin + "/The Fifth Season (2015)"}},
           {"v0.1/book_file_delete.json", {jemisin + "/The Fifth Season (2015)"}},
           {"v0.3/download.json", {book}},
           {"v0.3/download_upgrade.json", {book}},
           {"v0.3/download_windows.json", {book}},
           {"v0.3/rename.json", {author + "/The Dispossessed", book}},
           {"v0.3/retag.json", {book}},
           {"v0.3/book_file_delete.json", {book}},
           {"v0.3/author_delete.json", {author}},
           {"v0.3/book_delete.json", {author}},
           {"v0.3/author_delete_kept_files.json", {}},
           {"v0.3/test.json", {}},
           {"v0.3/grab.json", {}},
           {"v0.3/author_added.json", {}},
           {"v0.3/health.json", {}},
           {"v0.3/application_update.json", {}},
       }},
  };
  return table;
}

// Fixtures the table does not list because they are answered with an error.
const std::set<std::string> kRefusedFixtures = {"lidarr/v1/album_delete.json"};

// Every fixture under tests/data/<app>/, as "<version>/<file>".
std::set<std::string> fixtures_on_disk(const std::string& app) {
  const auto root = std::filesystem::path(SCANHOOK_TEST_DATA_DIR) / app;
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().filename() != "PROVENANCE")
      found.insert(entry.path().lexically_relative(root).generic_string());
  return found;
}

// The line "<file>: <where it comes from>" in the PROVENANCE beside a fixture, or "".
std::string provenance_line(const std::string& fixture) {
  const auto path = std::filesystem::path(SCANHOOK_TEST_DATA_DIR) / fixture;
  std::ifstream in(path.parent_path() / "PROVENANCE");
  const std::string prefix = path.filename().string() + ": ";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size()) return line;
  return "";
}

}  // namespace

// One daemon for every check, so the file runs in a few seconds.
TEST_CASE("the *arr apps, autoscan and plex_autoscan URLs through the running daemon",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());

  {
    INFO("every fixture of every app reaches the target as exactly its folders, once each");
    for (const auto& [app, table] : fixtures()) {
      // The table covers every fixture the app has; each names its provenance.
      std::set<std::string> listed;
      for (const auto& [fixture, folders] : table) listed.insert(fixture);
      for (const auto& refused : kRefusedFixtures)
        if (refused.rfind(app + "/", 0) == 0) listed.insert(refused.substr(app.size() + 1));
      CHECK(listed == fixtures_on_disk(app));
      for (const auto& fixture : listed) {
        INFO(app + "/" + fixture);
        CHECK_FALSE(provenance_line(app + "/" + fixture).empty());
      }

      for (const auto& [fixture, folders] : table) {
        INFO(app + "/" + fixture);
        // Basic sent up front, as the apps do.
        const Reply reply =
            rig.call("POST", "/triggers/" + app, read_test_data(app + "/" + fixture), kAdmin);
        CHECK(reply.status == 200);
        CHECK_THAT(reply.body, Contains("\"queued\":" + std::to_string(folders.size()) + ","));
        CHECK(rig.delivered(folders.size()) == folders);
      }
    }
  }

  {
    INFO("a fixture that names no folder at all is a 400, kept as a dead letter");
    const Reply reply =
        rig.call("POST", "/triggers/lidarr", read_test_data("lidarr/v1/album_delete.json"), kAdmin);
    CHECK(reply.status == 400);
    CHECK(reply.body == R"({"error":"AlbumDelete event has no artist.path","dead_letter":1})");
    CHECK(rig.queued() == 0);
  }

  {
    INFO("a source's token in a header or the query; a wrong or missing credential is a 401");
    const std::string body = read_test_data("sonarr/v3/download.json");
    const Folders foundation_s2 = {"/mnt/tv/Foundation/Season 2"};
    CHECK(
        rig.call("POST", "/triggers/sonarr", body, {{"X-Scanhook-Token", "sonarr-token"}}).status ==
        200);
    CHECK(rig.delivered(1) == foundation_s2);
    CHECK(rig.call("POST", "/triggers/sonarr?token=sonarr-token", body).status == 200);
    CHECK(rig.delivered(1) == foundation_s2);

    // Each 401 says what came: no token, or a wrong one.
    const std::string needs = "this webhook needs the source's token or the server's credentials";
    const std::string no_token =
        "no token: add ?token=<the token of [source.sonarr]> to the webhook's URL, or send it in "
        "the X-Scanhook-Token header; ";
    const std::vector<std::tuple<std::string, Headers, std::string>> refused = {
        {"/triggers/sonarr", {}, no_token},
        {"/triggers/sonarr", {{"X-Scanhook-Token", "sonarr-tokem"}}, "wrong token; "},
        {"/triggers/sonarr?token=wrong", {}, "wrong token; "},
        {"/triggers/sonarr",
         {{"Authorization", basic("admin", "s3creT")}},
         "wrong username or password; "},
    };
    for (const auto& [uri, headers, what] : refused) {
      INFO(uri);
      const Reply reply = rig.call("POST", uri, body, headers);
      CHECK(reply.status == 401);
      CHECK(reply.body == R"({"error":")" + what + needs + R"("})");
    }
    // sonarr4k has no token: the server's credentials only (sonarr's token is no credential here).
    for (const Headers& headers : {Headers{{"X-Scanhook-Token", "sonarr-token"}}, Headers{}}) {
      const Reply reply = rig.call("POST", "/triggers/sonarr4k", body, headers);
      CHECK(reply.status == 401);
      CHECK(reply.body ==
            R"({"error":"no credentials: send the server's username and password (HTTP Basic); )"
            R"x(this webhook needs the server's credentials ([source.sonarr4k] has no token)"})x");
    }
    CHECK(rig.queued() == 0);
    CHECK(rig.delivered(0).empty());
  }

  {
    INFO("malformed JSON is a 400 and kept as a dead letter");
    const std::string broken = R"({"eventType": "Download", "movie": {"folderPath": "/movies/X")";
    const Reply reply = rig.call("POST", "/triggers/radarr", broken, kAdmin);
    CHECK(reply.status == 400);
    CHECK(reply.body == R"({"error":"body is not valid JSON: an object or array is not closed )"
                        R"(where the text ends","dead_letter":2})");
    const Reply letters = rig.call("GET", "/api/deadletters", "", kAdmin);
    CHECK_THAT(letters.body,
               Contains(R"("id":2,"source":"radarr")") &&
                   Contains(R"("body_preview":"{\"eventType\": \"Download\", \"movie\": )"
                            R"({\"folderPath\": \"/movies/X\"")"));
    CHECK(rig.queued() == 0);
  }

  {
    INFO("each instance of one plugin has its own route and rules; PUT works too");
    const std::string body = read_test_data("sonarr/v4/download.json");
    CHECK(rig.call("POST", "/triggers/sonarr4k", body, kAdmin).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/tv4k/Severance/Season 02"});
    CHECK(rig.call("PUT", "/triggers/sonarr", body, kAdmin).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/tv/Severance/Season 02"});
    const Reply unknown = rig.call("POST", "/triggers/sonarr5k", body, kAdmin);
    CHECK(unknown.status == 404);
    CHECK(unknown.body == R"({"error":"no webhook source named \"sonarr5k\" (did you mean )"
                          R"x('sonarr4k'?)"})x");
  }

  {
    INFO("autoscan's manual trigger: a form on GET, one or more ?dir= on POST");
    const Reply form = rig.call("GET", "/triggers/manual", "", kAdmin);
    CHECK(form.status == 200);
    CHECK_THAT(form.body, Contains(R"(name="dir")"));
    CHECK(rig.call("HEAD", "/triggers/manual", "", kAdmin).status == 200);
    const Reply two = rig.call(
        "POST", "/triggers/manual?dir=/data/movies/Heat%20(1995)&dir=/data/tv/Dark/Season%201", "",
        kAdmin);
    CHECK(two.status == 200);
    CHECK(two.body == R"({"queued":2,"merged":0,"filtered":0})");
    CHECK(rig.delivered(2) == Folders{"/mnt/movies/Heat (1995)", "/mnt/tv/Dark/Season 1"});
    // autoscan's form posts the same field in the query; a plain HTML form posts a body.
    CHECK(rig.call("POST", "/triggers/manual", "dir=%2Fdata%2Fmusic%2FAir", kAdmin,
                   "application/x-www-form-urlencoded")
              .status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/music/Air"});
    const Reply none = rig.call("POST", "/triggers/manual", "", kAdmin);
    CHECK(none.status == 400);
    CHECK(
        none.body ==
        R"x({"error":"give at least one folder: ?dir=/path (repeatable), or a file: ?file=/path/x.mkv"})x");
    CHECK(rig.call("POST", "/triggers/manual?dir=/data/x").status == 401);
    CHECK(rig.queued() == 0);
  }

  {
    INFO("plex_autoscan's URL takes each app's payload by shape, and its manual form");
    const std::string url = "/" + kPass;
    // No other credential: the pass is the URL's, as it was for plex_autoscan.
    CHECK(rig.call("POST", url, read_test_data("sonarr/v4/download.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/tv/Severance/Season 02"});
    CHECK(rig.call("POST", url, read_test_data("radarr/v6/download_windows.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/movies/Past Lives (2023)"});
    CHECK(rig.call("POST", url, read_test_data("lidarr/v1.0/retag.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/music/Radiohead"});
    CHECK(rig.call("POST", url, read_test_data("sonarr/v4/test.json")).status == 200);
    // Its own route forwards the same way, with the server's credentials.
    CHECK(rig.call("POST", "/triggers/plex_autoscan", read_test_data("sonarr/v4/download.json"),
                   kAdmin)
              .status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/tv/Severance/Season 02"});

    const Reply readarr = rig.call("POST", url, read_test_data("readarr/v0.3/download.json"));
    CHECK(readarr.status == 400);
    CHECK_THAT(readarr.body, Contains("not a Sonarr, Radarr or Lidarr webhook"));

    const Reply form = rig.call("GET", url);
    CHECK(form.status == 200);
    CHECK_THAT(form.body, Contains(R"(name="eventType" value="Manual")"));
    CHECK(rig.call("POST", url,
                   "eventType=Manual&filepath=%2Fdata%2Fmovies%2FHeat+%281995%29%2FHeat.mkv", {},
                   "application/x-www-form-urlencoded")
              .status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/movies/Heat (1995)"});

    CHECK(rig.call("POST", "/" + kPass.substr(1) + "0", read_test_data("sonarr/v4/download.json"))
              .status == 404);
    CHECK(rig.call("PUT", url, "{}").status == 405);
    CHECK(rig.call("GET", url + "?a=%zz").status == 400);  // an URI Poco cannot decode
    CHECK(rig.queued() == 0);
    CHECK(rig.delivered(0).empty());

    // The access log shows the route, never the pass. Its line is written
    // just after the reply is sent: wait for the last request's.
    CHECK(rig.wait_for_output("\"GET (an invalid URI)\" 400"));
    const std::string output = rig.output();
    CHECK_THAT(output, Contains("\"POST /{secret}\" 200") && Contains("\"GET /{secret}\" 200") &&
                           Contains("\"PUT /{secret}\" 405"));
    CHECK(output.find(kPass) == std::string::npos);
  }
}

TEST_CASE(
    "check-config refuses a bad pass or a [server] plex_autoscan key with exit code 78, "
    "without the pass",
    "[arr][end_to_end]") {
  TempDir dir;
  const auto ini = dir.write("bad.ini",
                             "[target.log]\n[source.sonarr]\n[source.plex_autoscan]\n"
                             "pass = my pass!\n");
  auto result = scanhook::testing::run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains(ini.string() +
                      ":4: [source.plex_autoscan] pass: it is a URL path segment, so use 8 or "
                      "more of the characters A-Z a-z 0-9 - . _ ~"));
  CHECK(result.output.find("my pass!") == std::string::npos);

  const auto moved = dir.write("moved.ini", "[server]\nplex_autoscan_pass = " + kPass +
                                                "\nplex_autoscan_sonarr = sonar\n[target.log]\n"
                                                "[source.sonarr]\n");
  result = scanhook::testing::run_scanhookd({"--check-config", "--config", moved.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains(moved.string() + ":2: [server] plex_autoscan_pass: moved: write it as pass "
                                       "in a [source.plex_autoscan] section") &&
                 Contains(moved.string() + ":3: [server] plex_autoscan_sonarr: moved: write it "
                                           "as sonarr in a [source.plex_autoscan] section"));
  CHECK(result.output.find(kPass) == std::string::npos);
}

// Issue 12's examples, each posted to the running daemon as the app sends it.

TEST_CASE("a Sonarr v3 or v4.0.8 new import scans the season folder, not the download folder",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/sonarr", R"x({
    "series": {"id": 1, "title": "Foundation", "path": "/data/tv/Foundation"},
    "episodeFile": {"id": 7, "relativePath": "Season 3/Foundation - S03E01.mkv",
      "path": "/data/downloads/complete/Foundation.S03E01.1080p/Foundation.S03E01.1080p.mkv"},
    "isUpgrade": false, "eventType": "Download"})x",
                               kAdmin);
  CHECK(reply.status == 200);
  CHECK(reply.body == R"x({"message":"Download: 1 path","queued":1,"merged":0,"filtered":0})x");
  CHECK(rig.delivered(1) == Folders{"/mnt/tv/Foundation/Season 3"});
}

TEST_CASE("a Radarr new import before 5.10.1 scans the movie folder, not the download folder",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/radarr", R"x({
    "movie": {"id": 2, "title": "Heat", "year": 1995, "folderPath": "/data/movies/Heat (1995)"},
    "movieFile": {"id": 9, "relativePath": "Heat (1995) Bluray-1080p.mkv",
      "path": "/data/downloads/complete/Heat.1995.1080p.BluRay/Heat.1995.1080p.BluRay.mkv"},
    "isUpgrade": false, "eventType": "Download"})x",
                               kAdmin);
  CHECK(reply.status == 200);
  CHECK(rig.delivered(1) == Folders{"/mnt/movies/Heat (1995)"});
}

TEST_CASE("a file path outside the item's folder is never queued, and the warning names the field",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/sonarr", R"x({
    "series": {"id": 1, "title": "Foundation", "path": "/data/tv/Foundation"},
    "episodeFile": {"id": 7,
      "path": "/data/downloads/complete/Foundation.S03E01.1080p/Foundation.S03E01.1080p.mkv"},
    "eventType": "Download"})x",
                               kAdmin);
  CHECK(reply.status == 200);
  CHECK_THAT(reply.body, Contains("fell back: episodeFile.path is outside series.path: scanned "
                                  "series.path"));
  CHECK(rig.delivered(1) == Folders{"/mnt/tv/Foundation"});
  CHECK(rig.wait_for_output(
      "episodeFile.path \"/data/downloads/complete/Foundation.S03E01.1080p/"
      "Foundation.S03E01.1080p.mkv\" is outside series.path \"/data/tv/Foundation\": not used"));
}

TEST_CASE("a Rename with no renamedEpisodeFiles scans the series folder and says it fell back",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply =
      rig.call("POST", "/triggers/sonarr",
               R"x({"series":{"path":"/data/tv/Andor"},"eventType":"Rename"})x", kAdmin);
  CHECK(reply.status == 200);
  CHECK(reply.body ==
        R"x({"message":"Rename: 1 path; fell back: the payload has no renamedEpisodeFiles[]: )x"
        R"x(scanned series.path","queued":1,"merged":0,"filtered":0})x");
  CHECK(rig.delivered(1) == Folders{"/mnt/tv/Andor"});
  CHECK(rig.wait_for_output("fell back: the payload has no renamedEpisodeFiles[]"));
}

TEST_CASE("a renamed file without path is found from the series folder and relativePath",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/sonarr", R"x({
    "series": {"id": 1, "title": "Andor", "path": "/data/tv/Andor"},
    "renamedEpisodeFiles": [{"id": 3, "relativePath": "Season 01/Andor - S01E01.mkv",
      "previousRelativePath": "Season 1/Andor.S01E01.mkv",
      "previousPath": "/data/tv/Andor/Season 1/Andor.S01E01.mkv"}],
    "eventType": "Rename"})x",
                               kAdmin);
  CHECK(reply.status == 200);
  CHECK(reply.body == R"x({"message":"Rename: 2 paths","queued":2,"merged":0,"filtered":0})x");
  CHECK(rig.delivered(2) == Folders{"/mnt/tv/Andor/Season 01", "/mnt/tv/Andor/Season 1"});
}

TEST_CASE("an early EpisodeFileDelete with no episodeFile scans the series folder",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/sonarr", R"x({
    "series": {"id": 1, "title": "Andor", "path": "/data/tv/Andor"},
    "episodes": [{"id": 5, "episodeNumber": 3, "seasonNumber": 1}],
    "deleteReason": "upgrade", "eventType": "EpisodeFileDelete"})x",
                               kAdmin);
  CHECK(reply.status == 200);
  CHECK_THAT(reply.body,
             Contains("fell back: the payload has no episodeFile: scanned series.path"));
  CHECK(rig.delivered(1) == Folders{"/mnt/tv/Andor"});
}

TEST_CASE("a webhook from which no folder at all can be derived is a 400 kept as a dead letter",
          "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  const Reply reply = rig.call("POST", "/triggers/sonarr", R"x({"eventType":"Rename"})x", kAdmin);
  CHECK(reply.status == 400);
  CHECK(reply.body == R"x({"error":"Rename event has no series.path","dead_letter":1})x");
  CHECK(rig.queued() == 0);
}

TEST_CASE(
    "an event a filter drops leaves a history row with its reason and one log line, and "
    "explain shows the step",
    "[arr][end_to_end]") {
  Rig rig;
  REQUIRE(rig.listening());
  // The source's own filter: radarr_uhd takes 2160p files only.
  const Reply dropped = rig.call("POST", "/triggers/radarr_uhd",
                                 read_test_data("radarr/v5.0-5.10.0/download.json"), kAdmin);
  CHECK(dropped.status == 200);
  CHECK_THAT(dropped.body, Contains(R"x("queued":0,"merged":0,"filtered":1})x"));
  // A target's filter: rec excludes /mnt/tv/Kids/.
  const Reply kids =
      rig.call("POST", "/triggers/manual?dir=/data/tv/Kids/Bluey/Season%201", "", kAdmin);
  CHECK(kids.body == R"x({"queued":0,"merged":0,"filtered":1})x");

  const std::string history = rig.call("GET", "/api/history", "", kAdmin).body;
  CHECK_THAT(history,
             Contains(R"x("folder":"/data/tv/Kids/Bluey/Season 1","target":"rec",)x"
                      R"x("target_path":"/mnt/tv/Kids/Bluey/Season 1","outcome":"filtered",)x") &&
                 Contains(R"x("reason":"excluded by exclude = ^/mnt/tv/Kids/")x"));
  CHECK_THAT(history,
             Contains(R"x("folder":"/data/movies/Oppenheimer (2023)","target":"",)x") &&
                 Contains(R"x("reason":"the source's filter dropped it: matches no include )x"
                          R"x((2160p)")x"));
  CHECK(
      rig.wait_for_output("[source.radarr_uhd] not queued: \"/data/movies/Oppenheimer (2023)\": "
                          "the source's filter dropped it: matches no include (2160p)"));
  CHECK(
      rig.wait_for_output("[source.manual] not queued: \"/data/tv/Kids/Bluey/Season 1\" for "
                          "[target.rec]: excluded by exclude = ^/mnt/tv/Kids/"));
  const std::string output = rig.output();
  CHECK(output.find("not queued: \"/data/movies/Oppenheimer (2023)\"") ==
        output.rfind("not queued: \"/data/movies/Oppenheimer (2023)\""));  // one line

  // An event the app sends for files it kept: named, not scanned, still in the history.
  const Reply kept = rig.call("POST", "/triggers/sonarr",
                              read_test_data("sonarr/v4/series_delete_kept_files.json"), kAdmin);
  CHECK(kept.body == R"x({"message":"SeriesDelete kept the files on disk: nothing to scan",)x"
                     R"x("queued":0,"merged":0,"filtered":0})x");
  const std::string ignored_row =
      R"x("folder":"/data/tv/The Bear","target":"","target_path":"/data/tv/The Bear",)x"
      R"x("outcome":"ignored",)x";
  bool kept_in_history = false;
  for (int i = 0; i < 500 && !kept_in_history; ++i) {
    kept_in_history =
        rig.call("GET", "/api/history", "", kAdmin).body.find(ignored_row) != std::string::npos;
    if (!kept_in_history) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(kept_in_history);
  CHECK_THAT(rig.call("GET", "/api/history", "", kAdmin).body,
             Contains(R"x("reason":"SeriesDelete kept the files on disk: nothing to scan")x"));
  CHECK(
      rig.wait_for_output("[source.sonarr] not queued: \"/data/tv/The Bear\": SeriesDelete kept "
                          "the files on disk: nothing to scan"));

  const Reply explained =
      rig.call("POST", "/api/explain",
               R"x({"source":"radarr_uhd","is_file":true,)x"
               R"x("path":"/movies/Oppenheimer (2023)/Oppenheimer (2023) Bluray-1080p.mkv"})x",
               kAdmin);
  CHECK(explained.status == 200);
  CHECK_THAT(explained.body,
             Contains(R"x("filter":{"accepted":false,"reason":"matches no include (2160p)"})x") &&
                 Contains(R"x("queued":false)x"));
  CHECK(rig.delivered(0).empty());
}
