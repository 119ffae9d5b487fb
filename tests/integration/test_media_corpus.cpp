// The version-matrix corpus of the media servers and rclone (tests/data/{plex,
// jellyfin,emby,rclone}/<version>/): every fixture carries a provenance line,
// and every fixture goes through the running scanhookd, from its source to a
// fake scan target, with the folder it must reach (or the reason it queues none).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "fakes/fake_emby.hpp"
#include "fakes/fake_http_server.hpp"
#include "fakes/fake_jellyfin.hpp"
#include "fakes/fake_plex.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/started_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::FakeJellyfin;
using scanhook::fakes::FakePlex;
using scanhook::fakes::MediaUpdate;
using scanhook::fakes::RecordedRequest;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::quick_daemon_ini;
using scanhook::testing::read_test_data;
using scanhook::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "corpus-key-5e1a";
const std::string kHookToken = "hook-secret-31";
const std::string kSeason = "/tv/Northern Lights (2019)/Season 02";
const std::string kSeries = "/tv/Northern Lights (2019)";
const std::string kMovie = "/movies/Harbour Lights (2021)";
const std::string kAlbum = "/music/The Keepers/Harbour Songs (2020)";
const std::string kArtist = "/music/The Keepers";
const std::string kPlexBoundary =
    "multipart/form-data; boundary=------------------------3c5e7a9b1d2f4a6c";
const std::string kEmbyBoundary =
    "multipart/form-data; boundary=\"b6f1a7c2-3d4e-4f5a-8b9c-0d1e2f3a4b5c\"";

// One fixture, the source it is posted to, and what must come of it: the folder
// the scan target receives, or (folder "") a reply naming why nothing is queued.
struct CorpusCase {
  std::string fixture;
  std::string source;
  std::string folder;
  std::string ignored_because;
};

const std::vector<CorpusCase>& webhook_corpus() {
  static const std::vector<CorpusCase> cases = {
      {"plex/1.41/admin_database_backup.multipart", "plex", "", "changes no files"},
      {"plex/1.41/library_new_album.multipart", "plex", kAlbum, ""},
      {"plex/1.41/library_new_artist.multipart", "plex", kArtist, ""},
      {"plex/1.41/library_new_collection.multipart", "plex", "",
       "Plex gives no file or folder for it"},
      {"plex/1.41/library_new_episode.multipart", "plex", kSeason, ""},
      {"plex/1.41/library_new_movie.multipart", "plex", kMovie, ""},
      {"plex/1.41/library_new_other_server.multipart", "plex", "", "from another Plex server"},
      {"plex/1.41/library_new_season.multipart", "plex", kSeason, ""},
      {"plex/1.41/library_new_show.multipart", "plex", kSeries, ""},
      {"plex/1.41/library_new_track.multipart", "plex", kAlbum, ""},
      {"plex/1.41/media_play.multipart", "plex", "", "changes no files"},
      {"jellyfin/plugin-v18/item_added_all_properties.json", "jellyfin", kSeason, ""},
      {"jellyfin/plugin-v18/item_added_series_template.json", "jellyfin", kSeries, ""},
      {"jellyfin/plugin-v18/item_added_template.json", "jellyfin", kSeason, ""},
      {"jellyfin/plugin-v18/item_deleted_all_properties.json", "jellyfin", kSeason, ""},
      {"jellyfin/plugin-v18/item_deleted_audio_all_properties.json", "jellyfin", kAlbum, ""},
      {"jellyfin/plugin-v18/item_deleted_movie_all_properties.json", "jellyfin", "",
       "Jellyfin still knows, so there is no folder to scan"},
      {"jellyfin/plugin-v18/item_deleted_movie_template.json", "jellyfin", "",
       "Jellyfin still knows, so there is no folder to scan"},
      {"jellyfin/plugin-v18/item_deleted_template.json", "jellyfin", kSeason, ""},
      {"jellyfin/plugin-v18/playback_start.json", "jellyfin", "", "changes no files"},
      {"jellyfin/plugin-v11/item_added_all_properties.json", "jellyfin108", kSeason, ""},
      {"jellyfin/plugin-v11/item_added_template.json", "jellyfin108", kSeason, ""},
      {"emby/4.7/library_new.multipart", "emby", kSeason, ""},
      {"emby/4.7/notification_test.multipart", "emby", "", "test notification received"},
      {"emby/4.8/library_deleted.multipart", "emby", kMovie, ""},
      {"emby/4.8/library_new.multipart", "emby", kSeason, ""},
      {"emby/4.8/library_new_series.multipart", "emby", kSeries, ""},
      {"emby/4.8/notification_test.multipart", "emby", "", "test notification received"},
      {"emby/4.8/playback_start.multipart", "emby", "", "changes no files"},
      {"emby/4.9/library_deleted.json", "emby", kMovie, ""},
      {"emby/4.9/library_new.json", "emby", kSeason, ""},
      {"emby/4.9/library_new.multipart", "emby", kSeason, ""},
      {"emby/4.9/library_new_series.json", "emby", kSeries, ""},
      {"emby/4.9/notification_test.json", "emby", "", "test notification received"},
      {"emby/4.9/playback_start.json", "emby", "", "changes no files"},
  };
  return cases;
}

// The rclone listings, served in this order by a fake remote control.
const std::vector<std::string> kRcloneListings = {
    "rclone/1.60.1/operations_list.json", "rclone/1.60.1/operations_list_empty_modtime.json",
    "rclone/1.60.1/operations_list_all_fields.json"};

std::string content_type_of(const CorpusCase& c) {
  const bool multipart =
      c.fixture.size() > 10 && c.fixture.compare(c.fixture.size() - 10, 10, ".multipart") == 0;
  if (c.source == "plex") return kPlexBoundary;
  if (multipart) return kEmbyBoundary;
  // The Jellyfin webhook plugin's default Content-Type (GenericClient.cs: text/plain).
  return c.source == "emby" ? "application/json" : "text/plain; charset=utf-8";
}

// Every fixture file under the corpus folders, as "product/version/file".
std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  const fs::path root = SCANHOOK_TEST_DATA_DIR;
  for (const char* product : {"plex", "jellyfin", "emby", "rclone"})
    for (const auto& entry : fs::recursive_directory_iterator(root / product))
      if (entry.is_regular_file() && entry.path().filename() != "PROVENANCE")
        files.push_back(fs::relative(entry.path(), root).generic_string());
  std::sort(files.begin(), files.end());
  return files;
}

// The files named by the PROVENANCE of `folder`, with their line.
std::map<std::string, std::string> provenance_of(const fs::path& folder) {
  std::map<std::string, std::string> lines;
  std::ifstream in(folder / "PROVENANCE");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(": ");
    if (colon != std::string::npos) lines[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return lines;
}

// Every folder the scan target was sent, over all its Media/Updated calls.
std::vector<std::string> scanned(const FakeJellyfin& target) {
  std::vector<std::string> folders;
  for (const auto& call : target.media_updates())
    for (const MediaUpdate& update : call) folders.push_back(update.path);
  return folders;
}

}  // namespace

TEST_CASE("every media-server and rclone fixture has a provenance line and a corpus test",
          "[corpus]") {
  std::set<std::string> tested(kRcloneListings.begin(), kRcloneListings.end());
  for (const auto& c : webhook_corpus()) tested.insert(c.fixture);
  const auto files = corpus_files();
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    INFO(file);
    const fs::path path(file);
    // tests/data/<product>/<version>/<file>: nothing outside a version folder.
    REQUIRE(std::distance(path.begin(), path.end()) == 3);
    const auto lines = provenance_of(fs::path(SCANHOOK_TEST_DATA_DIR) / path.parent_path());
    const auto line = lines.find(path.filename().string());
    REQUIRE(line != lines.end());
    CHECK(line->second.size() > 20);
    CHECK(tested.count(file) == 1);
  }
  // And no row names a fixture that is gone.
  for (const auto& fixture : tested) CHECK(std::count(files.begin(), files.end(), fixture) == 1);
}

TEST_CASE(
    "every Plex, Jellyfin and Emby fixture reaches the scan target's folder through the "
    "daemon, or says why not",
    "[e2e][corpus]") {
  FakePlex plex(kKey);
  plex.add_item({"5100", "show", "Northern Lights", {}, {kSeries}});
  plex.add_item({"5120", "season", "Season 2", {}, {}, "5100"});
  plex.add_item({"5123",
                 "episode",
                 "The Long Night",
                 {kSeason + "/S02E03 - The Long Night.mkv"},
                 {},
                 "5120"});
  plex.add_item({"6210", "movie", "Harbour Lights", {kMovie + "/Harbour Lights (2021).mkv"}, {}});
  plex.add_item({"7300", "artist", "The Keepers", {}, {kArtist}});
  plex.add_item({"7310", "album", "Harbour Songs", {}, {}, "7300"});
  plex.add_item({"7311", "track", "Lighthouse", {kAlbum + "/01 - Lighthouse.flac"}, {}, "7310"});
  plex.add_item({"6900", "collection", "Lighthouse Films", {}, {}});

  // Jellyfin as the webhooks' server: 10.11 and, for plugin v11, 10.8.5.
  FakeJellyfin jellyfin(kKey);
  FakeJellyfin jellyfin108(kKey);
  jellyfin108.set_version("10.8.5");
  jellyfin108.add_user("6a5b4c3d2e1f40718293a4b5c6d7e8f9", "admin", true);
  for (FakeJellyfin* server : {&jellyfin, &jellyfin108}) {
    server->add_item({"9a1be3c56f2d4d8ea7b01c2d3e4f5a6b", "The Long Night", "Episode",
                      kSeason + "/S02E03.mkv", false});
    server->add_item({"0f1e2d3c4b5a49688776a5b4c3d2e1f0", "Season 2", "Season", kSeason, true});
    server->add_item(
        {"5e7d2c1b0a9f4e8db7c6a5b4c3d2e1f0", "Northern Lights", "Series", kSeries, true});
    server->add_item({"e7a1", "Harbour Songs", "MusicAlbum", kAlbum, true, "The Keepers"});
  }

  // The scan target: a Jellyfin with a library per kind.
  FakeJellyfin target(kKey);
  target.set_libraries({{"a1", "Shows", "tvshows", {"/tv"}},
                        {"a2", "Movies", "movies", {"/movies"}},
                        {"a3", "Music", "music", {"/music"}}});

  TempDir dir;
  DaemonProcess daemon(
      dir.path(),
      quick_daemon_ini() + "[source.plex]\nurl = " + plex.url() + "\nserver_token = " + kKey +
          "\ntoken = " + kHookToken + "\n[source.jellyfin]\nurl = " + jellyfin.url() +
          "\nserver_token = " + kKey + "\ntoken = " + kHookToken +
          "\n[source.jellyfin108]\nplugin = jellyfin\nurl = " + jellyfin108.url() +
          "\nserver_token = " + kKey + "\ntoken = " + kHookToken +
          "\n[source.emby]\ntoken = " + kHookToken +
          "\n[target.scan]\nplugin = jellyfin\nurl = " + target.url() + "\ntoken = " + kKey + "\n");
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());

  for (const auto& c : webhook_corpus()) {
    INFO(c.fixture);
    const std::size_t before = scanned(target).size();
    const auto answer = client.post("/triggers/" + c.source + "?token=" + kHookToken,
                                    read_test_data(c.fixture), content_type_of(c));
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    if (c.folder.empty()) {
      CHECK_THAT(answer.body, Contains("\"queued\":0") && Contains(c.ignored_because));
      continue;
    }
    CHECK_THAT(answer.body, Contains("\"queued\":1") || Contains("\"merged\":1"));
    REQUIRE(eventually([&] { return scanned(target).size() > before && client.queue_empty(); }));
    const auto folders = scanned(target);
    CHECK(std::vector<std::string>(folders.begin() + static_cast<std::ptrdiff_t>(before),
                                   folders.end()) == std::vector<std::string>{c.folder});
  }
  CHECK(jellyfin108.requests_to("GET", "/Users").size() == 1);
  CHECK(plex.requests_to("GET", "/library/metadata/5120/children").size() == 1);
}

TEST_CASE(
    "the recorded rclone listings, an empty ModTime among them, are polled through the "
    "daemon without a stall",
    "[e2e][corpus][rclone]") {
  std::mutex mutex;
  std::size_t served = 0;
  FakeHttpServer rc([&](const RecordedRequest& request) -> HttpReply {
    if (request.path != "/operations/list") return {200, "application/json", "{}", {}};
    std::lock_guard lock(mutex);
    const std::string& listing = kRcloneListings[std::min(served, kRcloneListings.size() - 1)];
    ++served;
    return {200, "application/json", read_test_data(listing), {}};
  });
  const auto polls = [&] {
    std::lock_guard lock(mutex);
    return served;
  };
  FakePlex plex(kKey);
  plex.set_sections({{"2", "Remote", "show", {"/remote"}}});
  TempDir dir;
  DaemonProcess daemon(dir.path(),
                       quick_daemon_ini() + "[source.remote]\nplugin = rclone\nurl = " + rc.url() +
                           "\nremote = gdrive:\ninterval = 1s\npath_prefix = /remote\n" +
                           "[target.plex]\nurl = " + plex.url() + "\ntoken = " + kKey + "\n");
  REQUIRE(daemon.wait_until_listening());
  REQUIRE(
      daemon.wait_for_output("recorded a baseline of 2 files of gdrive:", std::chrono::seconds(5)));
  // The second listing has the same files and sizes, with "ModTime": "": no change.
  REQUIRE(eventually([&] { return polls() >= 2; }, std::chrono::seconds(5)));
  CHECK(daemon.wait_for_output("2 files of gdrive: have no readable ModTime"));
  // The third has other files: two gone, three new (one with a ModTime offset).
  REQUIRE(eventually([&] { return plex.refreshes().size() >= 4; }, std::chrono::seconds(6)));
  const DaemonClient client(daemon.url());
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  auto refreshed = plex.refreshed();
  std::sort(refreshed.begin(), refreshed.end());
  CHECK(refreshed ==
        std::vector<std::string>{"section 2 /remote/Movies/Harbour Lights (2021)",
                                 "section 2 /remote/Movies/Ünïcödé \"Film\" (2021)",
                                 "section 2 /remote/TV/Northern Lights (2019)/Season 02",
                                 "section 2 /remote/TV/Show (2019)/Season 01"});
  CHECK_THAT(daemon.output(), !Contains("cannot read the listing"));
}
