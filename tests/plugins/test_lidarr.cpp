#include <catch2/catch.hpp>

#include "scanhook/webhook_source.hpp"
#include "support/arr_webhook.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::core::Role;
using scanhook::testing::arr_post;
using scanhook::testing::check_accepted;
using scanhook::testing::check_ignored;
using scanhook::testing::check_rejected;
using scanhook::testing::describe;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

const char* const kAgent = "Lidarr/2.9.6.4552 (ubuntu 22.04)";
const std::string kAlbum = "/music/Radiohead/In Rainbows (2007)";

}  // namespace

TEST_CASE("lidarr: each file-changing event becomes the files and folders it touched", "[lidarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("lidarr", Role::source, {}, host);
  check_accepted(
      *source, "lidarr", kAgent,
      {
          {"v2/download.json",
           {"created file " + kAlbum + "/01 - 15 Step.flac",
            "created file " + kAlbum + "/02 - Bodysnatchers.flac",
            "created file " + kAlbum + "/03 - Nude.flac"},
           "Download: 3 paths"},
          {"v2/download_upgrade.json",
           {"created file " + kAlbum + "/01 - 15 Step.flac",
            "created file " + kAlbum + "/02 - Bodysnatchers.flac",
            "deleted file " + kAlbum + "/01 - 15 Step.mp3",
            "deleted file " + kAlbum + "/02 - Bodysnatchers.mp3"},
           "Download: 4 paths"},
          {"v2/download_windows.json",
           {"created file M:\\Music\\Radiohead\\In Rainbows (2007)\\01 - 15 Step.flac"},
           "Download: 1 path"},
          {"v2/rename.json",
           {"deleted file /music/Radiohead/In Rainbows/Radiohead - In Rainbows - 01 - 15 Step.flac",
            "created file " + kAlbum + "/01 - 15 Step.flac",
            "deleted file /music/Radiohead/In Rainbows/Radiohead - In Rainbows - 02 - "
            "Bodysnatchers.flac",
            "created file " + kAlbum + "/02 - Bodysnatchers.flac"},
           "Rename: 4 paths"},
          {"v2/retag.json", {"modified file " + kAlbum + "/03 - Nude.flac"}, "Retag: 1 path"},
          {"v1.0/retag.json", {"modified folder /music/Radiohead"}, "Retag: 1 path"},
          {"v2/artist_delete.json", {"deleted folder /music/Radiohead"}, "ArtistDelete: 1 path"},
          {"v2/album_delete.json", {"modified folder /music/Radiohead"}, "AlbumDelete: 1 path"},
      });
}

TEST_CASE("lidarr: events that change nothing on disk are answered 200 and queue nothing",
          "[lidarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("lidarr", Role::source, {}, host);
  check_ignored(*source, "lidarr", kAgent,
                {
                    {"v2/test.json", "Test changes nothing on disk"},
                    {"v2/grab.json", "Grab changes nothing on disk"},
                    {"v2/download_failure.json", "DownloadFailure changes nothing on disk"},
                    {"v2/import_failure.json",
                     "ImportFailure left the files in the download folder: nothing in the library "
                     "changed"},
                    {"v2/artist_add.json", "ArtistAdd changes nothing on disk"},
                    {"v2/health.json", "Health changes nothing on disk"},
                    {"v2/health_restored.json", "HealthRestored changes nothing on disk"},
                    {"v2/application_update.json", "ApplicationUpdate changes nothing on disk"},
                    {"v2/album_delete_kept_files.json",
                     "AlbumDelete kept the files on disk: nothing to scan"},
                });
  CHECK(host.dropped() ==
        std::vector<std::string>{
            "/downloads/complete/music/Radiohead-In_Rainbows-WEB-FLAC-2007-OBZEN/"
            "01-radiohead-15_step.flac: ImportFailure left the files in the download folder: "
            "nothing in the library changed",
            "/music/Radiohead: AlbumDelete kept the files on disk: nothing to scan"});
  CHECK(host.logs().empty());
}

TEST_CASE("lidarr: bad requests get their status and a message naming what is wrong", "[lidarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("lidarr", Role::source, {}, host);
  check_rejected(
      *source, kAgent,
      {
          {"[]", 400, "body is not a JSON object"},
          {R"({"eventType": ""})", 400, "body has no eventType"},
          {R"({"eventType": "Download", "trackFiles": {"path": "/music/A/B/01.flac"}})", 400,
           "Download event has no artist.path"},
          {R"({"eventType": "Download", "trackFiles": [{"id": 1, "relativePath": "B/01.flac"}]})",
           400, "Download event has no trackFiles[].path or artist.path"},
          {R"({"eventType": "Rename", "renamedTrackFiles": []})", 400,
           "Rename event has no artist.path"},
          {R"({"eventType": "Retag"})", 400, "Retag event has no artist.path"},
          {R"({"eventType": "Retag", "trackFile": {"id": 9}})", 400,
           "Retag event has no trackFile.path or artist.path"},
          {R"({"eventType": "ArtistDelete", "artist": {"name": "A"}})", 400,
           "ArtistDelete event has no artist.path"},
          // Lidarr 1.x: the album and no artist, so no folder at all.
          {read_test_data("lidarr/v1/album_delete.json"), 400,
           "AlbumDelete event has no artist.path"},
      });
  const auto get = arr_post(*source, read_test_data("lidarr/v2/download.json"), kAgent, "HEAD");
  CHECK(get.status == 405);
  CHECK(get.message == "Lidarr webhooks use POST or PUT, not HEAD");
}

TEST_CASE("lidarr: an unknown eventType is answered 200, queues nothing and is logged once",
          "[lidarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("lidarr", Role::source, {}, host, "music");
  for (int i = 0; i < 2; ++i)
    CHECK(arr_post(*source, R"({"eventType": "TrackFileDelete"})", kAgent).status == 200);
  REQUIRE(host.logs().size() == 1);
  CHECK(host.logs()[0].second ==
        "[source.music] unknown Lidarr eventType \"TrackFileDelete\": ignored (logged once)");
}

TEST_CASE("lidarr: 1.x track files are their stored paths, checked against artist.path",
          "[lidarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("lidarr", Role::source, {}, host);
  const std::string dummy = "/music/Portishead/Dummy (1994)";
  check_accepted(
      *source, "lidarr", kAgent,
      {
          {"v1/download.json",
           {"created file " + dummy + "/01 - Mysterons.flac"},
           "Download: 1 path"},
          {"v1/rename.json",
           {"deleted file /music/Portishead/Dummy/02 - Sour Times.flac",
            "created file " + dummy + "/02 - Sour Times.flac"},
           "Rename: 2 paths"},
          {"v1/retag.json", {"modified file " + dummy + "/03 - Strangers.flac"}, "Retag: 1 path"},
      });
  CHECK(host.logs().empty());
  // A track path outside the artist's folder is not queued: the artist's folder is.
  const auto outside = arr_post(*source, R"({"eventType": "Download",
      "artist": {"path": "/music/Portishead"},
      "trackFiles": [{"path": "/downloads/music/Dummy/01.flac"}]})",
                                kAgent);
  CHECK(describe(outside.events) == std::vector<std::string>{"created folder /music/Portishead"});
  CHECK(host.logs().front().first == scanhook::LogLevel::warning);
  CHECK(host.logs().front().second ==
        "[source.lidarr] Lidarr \"Download\": trackFiles[].path \"/downloads/music/Dummy/01.flac\" "
        "is outside artist.path \"/music/Portishead\": not used");
}
