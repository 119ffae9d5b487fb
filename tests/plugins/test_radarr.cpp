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
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

const char* const kAgent = "Radarr/5.15.1.9463 (ubuntu 22.04)";
const std::string kDune = "/movies/Dune Part Two (2024)";

}  // namespace

TEST_CASE("radarr: each file-changing event becomes the files and folders it touched", "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  check_accepted(
      *source, "radarr", kAgent,
      {
          {"v6/download.json",
           {"created file " + kDune + "/Dune Part Two (2024) Remux-2160p.mkv"},
           "Download: 1 path"},
          {"v6/download_upgrade.json",
           {"created file " + kDune + "/Dune Part Two (2024) Remux-2160p.mkv",
            "deleted file " + kDune + "/Dune Part Two (2024) WEBDL-2160p.mkv"},
           "Download: 2 paths"},
          {"v6/download_windows.json",
           {"created file D:\\Movies\\Past Lives (2023)\\Past Lives (2023) Bluray-1080p.mkv"},
           "Download: 1 path"},
          {"v6/rename.json",
           {"deleted file " + kDune + "/Dune Part Two (2024) Remux-2160p.mkv",
            "created file " + kDune +
                "/Dune Part Two (2024) {tmdb-693134} [Remux-2160p][DV HDR10][TrueHD Atmos "
                "7.1][x265]-FGT.mkv"},
           "Rename: 2 paths"},
          {"v6/movie_file_delete.json",
           {"deleted file " + kDune + "/Dune Part Two (2024) Remux-2160p.mkv"},
           "MovieFileDelete: 1 path"},
          // folderPath + relativePath, joined with the host's `\`
          {"v6/movie_file_delete_windows.json",
           {"deleted file D:\\Movies\\Past Lives (2023)\\Past Lives (2023) Bluray-1080p.mkv"},
           "MovieFileDelete: 1 path"},
          {"v6/movie_delete.json", {"deleted folder " + kDune}, "MovieDelete: 1 path"},
      });
}

TEST_CASE("radarr: events that change nothing on disk are answered 200 and queue nothing",
          "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  check_ignored(*source, "radarr", kAgent,
                {
                    {"v6/test.json", "Test changes nothing on disk"},
                    {"v6/grab.json", "Grab changes nothing on disk"},
                    {"v6/movie_added.json", "MovieAdded changes nothing on disk"},
                    {"v6/health.json", "Health changes nothing on disk"},
                    {"v6/health_restored.json", "HealthRestored changes nothing on disk"},
                    {"v6/application_update.json", "ApplicationUpdate changes nothing on disk"},
                    {"v6/manual_interaction_required.json",
                     "ManualInteractionRequired changes nothing on disk"},
                    {"v6/movie_delete_kept_files.json",
                     "MovieDelete kept the files on disk: nothing to scan"},
                });
  CHECK(host.dropped() ==
        std::vector<std::string>{
            "/movies/Dune Part Two (2024): MovieDelete kept the files on disk: nothing to scan"});
  CHECK(host.logs().empty());
}

TEST_CASE("radarr: bad requests get their status and a message naming what is wrong", "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  check_rejected(
      *source, kAgent,
      {
          {R"({"eventType": "Download", "movie": {"folderPath": "/movies/X"})", 400,
           "body is not valid JSON: expected ',' or '}' after member value"},
          {
              R"({"movie": {"folderPath": "/movies/X"}
})",
              400, "body has no eventType"},
          {R"({"eventType": "Download", "movieFile": {"relativePath": "X.mkv"}})", 400,
           "Download event has no movieFile.path or movie.folderPath"},
          {R"({"eventType": "Rename", "renamedMovieFiles": [{"relativePath": "a.mkv"}]})", 400,
           "Rename event has no renamedMovieFiles[].previousPath or movie.folderPath"},
          {R"({"eventType": "MovieFileDelete", "deleteReason": "manual"})", 400,
           "MovieFileDelete event has no movie.folderPath"},
          {R"({"eventType": "MovieDelete", "movie": {"title": "X"}, "deletedFiles": true})", 400,
           "MovieDelete event has no movie.folderPath"},
      });
  const auto get = arr_post(*source, read_test_data("radarr/v6/download.json"), kAgent, "GET");
  CHECK(get.status == 405);
  CHECK(get.message == "Radarr webhooks use POST or PUT, not GET");
}

TEST_CASE("radarr: an unknown eventType is answered 200, queues nothing and is logged once",
          "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  for (int i = 0; i < 2; ++i) {
    const auto outcome = arr_post(*source, R"({"eventType": "MovieEdited"})", kAgent);
    CHECK(outcome.status == 200);
    CHECK(outcome.events.empty());
  }
  REQUIRE(host.logs().size() == 1);
  CHECK(host.logs()[0].second ==
        "[source.radarr] unknown Radarr eventType \"MovieEdited\": ignored (logged once)");
}

TEST_CASE(
    "radarr: before 5.10.1 a new import is the file under movie.folderPath, not the download "
    "client's movieFile.path, and renamed and deleted files without path are found the same way",
    "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  const std::string folder = "/movies/Oppenheimer (2023)";
  const std::string file = "created file " + folder + "/Oppenheimer (2023) Bluray-1080p.mkv";
  const std::vector<std::string> renamed = {
      "deleted file " + folder + "/Oppenheimer (2023) Bluray-1080p.mkv",
      "created file " + folder + "/Oppenheimer (2023) {tmdb-872585} [Bluray-1080p].mkv"};
  check_accepted(*source, "radarr", kAgent,
                 {
                     {"v3/download.json", {file}, "Download: 1 path"},
                     {"v4/download.json", {file}, "Download: 1 path"},
                     {"v5.0-5.10.0/download.json", {file}, "Download: 1 path"},
                     {"v4/rename.json", renamed, "Rename: 2 paths"},
                     {"v5.0-5.10.0/rename.json", renamed, "Rename: 2 paths"},
                     {"v3/movie_file_delete.json",
                      {"deleted file " + folder + "/Oppenheimer (2023) Bluray-1080p.mkv"},
                      "MovieFileDelete: 1 path"},
                 });
  CHECK(host.logs().empty());
}

TEST_CASE(
    "radarr: a 3.x Rename names only the movie, so its folder is scanned and the reply says so",
    "[radarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("radarr", Role::source, {}, host);
  check_accepted(*source, "radarr", kAgent,
                 {
                     {"v3/rename.json",
                      {"modified folder /movies/Oppenheimer (2023)"},
                      "Rename: 1 path; fell back: the payload has no renamedMovieFiles[]: scanned "
                      "movie.folderPath"},
                 });
  REQUIRE(host.logs().size() == 1);
  CHECK(host.logs()[0].first == scanhook::LogLevel::info);
}
