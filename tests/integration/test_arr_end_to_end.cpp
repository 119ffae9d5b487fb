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

#include "support/daemon_process.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
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
plex_autoscan_pass = )" + kPass +
                         R"(
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
[target.rec]
plugin = recorder
record = {dir}/record
rewrite = /data => /mnt
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
    const auto plugins = dir_.path() / "plugins";
    std::filesystem::create_directories(plugins);
    for (const char* name : {"sonarr", "radarr", "lidarr", "readarr"})
      std::filesystem::copy_file(scanhook::testing::plugin_file(name),
                                 plugins / (std::string(name) + ".so"));
    std::filesystem::copy_file(std::filesystem::path(SCANHOOK_TEST_PLUGIN_DIR) / "recorder.so",
                               plugins / "recorder.so");
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

// Each fixture of an app and the folders the target must receive for it.
using FixtureTable = std::map<std::string, Folders>;

const std::map<std::string, FixtureTable>& fixtures() {
  static const std::string tv = "/mnt/tv/Severance/Season 02";
  static const std::string dune = "/mnt/movies/Dune Part Two (2024)";
  static const std::string album = "/mnt/music/Radiohead/In Rainbows (2007)";
  static const std::string author = "/mnt/books/Ursula K. Le Guin";
  static const std::string book = author + "/The Dispossessed (1974)";
  static const std::map<std::string, FixtureTable> table = {
      {"sonarr",
       {
           {"download.json", {tv}},
           {"download_upgrade.json", {tv}},
           {"download_import_complete.json", {"/mnt/tv/The Bear/Season 3"}},
           {"download_v3.json", {"/mnt/tv/Slow Horses/Season 3"}},
           {"download_windows.json", {"/mnt/tv/The Bear/Season 3"}},
           {"rename.json", {"/mnt/tv/Severance/Season 01", tv, "/mnt/tv/Severance/Season 1"}},
           {"episode_file_delete.json", {tv}},
           {"series_delete.json", {"/mnt/tv/Severance"}},
           {"series_delete_kept_files.json", {}},
           {"test.json", {}},
           {"grab.json", {}},
           {"series_add.json", {}},
           {"health.json", {}},
           {"health_restored.json", {}},
           {"application_update.json", {}},
           {"manual_interaction_required.json", {}},
       }},
      {"radarr",
       {
           {"download.json", {dune}},
           {"download_upgrade.json", {dune}},
           {"download_windows.json", {"/mnt/movies/Past Lives (2023)"}},
           {"rename.json", {dune}},
           {"movie_file_delete.json", {dune}},
           {"movie_file_delete_windows.json", {"/mnt/movies/Past Lives (2023)"}},
           {"movie_delete.json", {dune}},
           {"movie_delete_kept_files.json", {}},
           {"test.json", {}},
           {"grab.json", {}},
           {"movie_added.json", {}},
           {"health.json", {}},
           {"health_restored.json", {}},
           {"application_update.json", {}},
           {"manual_interaction_required.json", {}},
       }},
      {"lidarr",
       {
           {"download.json", {album}},
           {"download_upgrade.json", {album}},
           {"download_windows.json", {album}},
           {"rename.json", {"/mnt/music/Radiohead/In Rainbows", album}},
           {"retag.json", {album}},
           {"retag_artist_only.json", {"/mnt/music/Radiohead"}},
           {"artist_delete.json", {"/mnt/music/Radiohead"}},
           {"album_delete.json", {"/mnt/music/Radiohead"}},
           {"album_delete_kept_files.json", {}},
           {"test.json", {}},
           {"grab.json", {}},
           {"download_failure.json", {}},
           {"import_failure.json", {}},
           {"artist_add.json", {}},
           {"health.json", {}},
           {"health_restored.json", {}},
           {"application_update.json", {}},
       }},
      {"readarr",
       {
           {"download.json", {book}},
           {"download_upgrade.json", {book}},
           {"download_windows.json", {book}},
           {"rename.json", {author + "/The Dispossessed", book}},
           {"retag.json", {book}},
           {"book_file_delete.json", {book}},
           {"author_delete.json", {author}},
           {"book_delete.json", {author}},
           {"author_delete_kept_files.json", {}},
           {"test.json", {}},
           {"grab.json", {}},
           {"author_added.json", {}},
           {"health.json", {}},
           {"application_update.json", {}},
       }},
  };
  return table;
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
      // The table covers every fixture the app has.
      std::set<std::string> on_disk;
      for (const auto& entry :
           std::filesystem::directory_iterator(std::filesystem::path(SCANHOOK_TEST_DATA_DIR) / app))
        on_disk.insert(entry.path().filename().string());
      std::set<std::string> listed;
      for (const auto& [fixture, folders] : table) listed.insert(fixture);
      CHECK(listed == on_disk);

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
    INFO("a source's token in a header or the query; a wrong or missing credential is a 401");
    const std::string body = read_test_data("sonarr/download_v3.json");
    const Folders slow_horses = {"/mnt/tv/Slow Horses/Season 3"};
    CHECK(
        rig.call("POST", "/triggers/sonarr", body, {{"X-Scanhook-Token", "sonarr-token"}}).status ==
        200);
    CHECK(rig.delivered(1) == slow_horses);
    CHECK(rig.call("POST", "/triggers/sonarr?token=sonarr-token", body).status == 200);
    CHECK(rig.delivered(1) == slow_horses);

    const std::vector<std::pair<std::string, Headers>> refused = {
        {"/triggers/sonarr", {}},
        {"/triggers/sonarr", {{"X-Scanhook-Token", "sonarr-tokem"}}},
        {"/triggers/sonarr?token=wrong", {}},
        {"/triggers/sonarr", {{"Authorization", basic("admin", "s3creT")}}},
        {"/triggers/sonarr4k", {{"X-Scanhook-Token", "sonarr-token"}}},  // not its token
        {"/triggers/sonarr4k", {}},
    };
    for (const auto& [uri, headers] : refused) {
      INFO(uri);
      const Reply reply = rig.call("POST", uri, body, headers);
      CHECK(reply.status == 401);
      CHECK(reply.body ==
            R"({"error":"this webhook needs the source's token or the server's credentials"})");
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
                        R"(where the text ends","dead_letter":1})");
    const Reply letters = rig.call("GET", "/api/deadletters", "", kAdmin);
    CHECK_THAT(letters.body,
               Contains(R"("id":1,"source":"radarr")") &&
                   Contains(R"("body":"{\"eventType\": \"Download\", \"movie\": {\"folderPath\": )"
                            R"(\"/movies/X\"")"));
    CHECK(rig.queued() == 0);
  }

  {
    INFO("each instance of one plugin has its own route and rules; PUT works too");
    const std::string body = read_test_data("sonarr/download.json");
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
    CHECK(none.body == R"x({"error":"give at least one folder: ?dir=/path (repeatable)"})x");
    CHECK(rig.call("POST", "/triggers/manual?dir=/data/x").status == 401);
    CHECK(rig.queued() == 0);
  }

  {
    INFO("plex_autoscan's URL takes each app's payload by shape, and its manual form");
    const std::string url = "/" + kPass;
    // No other credential: the pass is the URL's, as it was for plex_autoscan.
    CHECK(rig.call("POST", url, read_test_data("sonarr/download.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/tv/Severance/Season 02"});
    CHECK(rig.call("POST", url, read_test_data("radarr/download_windows.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/movies/Past Lives (2023)"});
    CHECK(rig.call("POST", url, read_test_data("lidarr/retag_artist_only.json")).status == 200);
    CHECK(rig.delivered(1) == Folders{"/mnt/music/Radiohead"});
    CHECK(rig.call("POST", url, read_test_data("sonarr/test.json")).status == 200);

    const Reply readarr = rig.call("POST", url, read_test_data("readarr/download.json"));
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

    CHECK(rig.call("POST", "/" + kPass.substr(1) + "0", read_test_data("sonarr/download.json"))
              .status == 404);
    CHECK(rig.call("PUT", url, "{}").status == 405);
    CHECK(rig.call("GET", url + "?a=%zz").status == 400);  // an URI Poco cannot decode
    CHECK(rig.queued() == 0);
    CHECK(rig.delivered(0).empty());

    // The access log shows the route, never the pass.
    CHECK(rig.wait_for_output("\"PUT /{secret}\" 405"));
    const std::string output = rig.output();
    CHECK_THAT(output, Contains("\"POST /{secret}\" 200") && Contains("\"GET /{secret}\" 200") &&
                           Contains("\"GET (an invalid URI)\" 400"));
    CHECK(output.find(kPass) == std::string::npos);
  }
}

TEST_CASE("check-config refuses a bad plex_autoscan key with exit code 78, without the pass",
          "[arr][end_to_end]") {
  TempDir dir;
  const auto ini = dir.write("bad.ini",
                             "[server]\nplex_autoscan_pass = my pass!\n[target.log]\n"
                             "[source.sonarr]\n");
  auto result = scanhook::testing::run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains(ini.string() +
                      ": [server] plex_autoscan_pass: it is a URL path segment, so use 8 or more "
                      "of the characters A-Z a-z 0-9 - . _ ~"));
  CHECK(result.output.find("my pass!") == std::string::npos);

  const auto unknown = dir.write("unknown.ini", "[server]\nplex_autoscan_pass = " + kPass +
                                                    "\nplex_autoscan_sonarr = sonar\n[target.log]\n"
                                                    "[source.sonarr]\n");
  result = scanhook::testing::run_scanhookd({"--check-config", "--config", unknown.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains(unknown.string() + ": [server] plex_autoscan_sonarr: there is no webhook "
                                         "source [source.sonar]"));
}
