#include <catch2/catch.hpp>

#include "scanhook/webhook_source.hpp"
#include "support/arr_webhook.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::core::Role;
using scanhook::testing::check_accepted;
using scanhook::testing::check_ignored;
using scanhook::testing::check_rejected;
using scanhook::testing::describe;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;
using Lines = std::vector<std::string>;

namespace {

const char* const kAgent = "Sonarr/4.0.14.2939 (ubuntu 22.04)";

scanhook::WebhookOutcome post(scanhook::WebhookSource& source, const std::string& body,
                              const std::string& method = "POST") {
  return scanhook::testing::arr_post(source, body, kAgent, method);
}

}  // namespace

TEST_CASE("sonarr: each file-changing event becomes the files and folders it touched", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_accepted(
      *source, "sonarr", kAgent,
      {
          {"v4/download.json",
           {"created file /tv/Severance/Season 02/Severance - S02E01 - Hello, Ms. Cobel "
            "[WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-FLUX.mkv"},
           "Download: 1 path"},
          {"v4/download_upgrade.json",
           {"created file /tv/Severance/Season 02/Severance - S02E01 - Hello, Ms. Cobel "
            "[WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-FLUX.mkv",
            "deleted file /tv/Severance/Season 02/Severance - S02E01 - Hello, Ms. Cobel "
            "[WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "Download: 2 paths"},
          {"v4/download_import_complete.json",
           {"created file /tv/The Bear/Season 3/The Bear - S03E01 - Tomorrow [WEBDL-1080p][EAC3 "
            "5.1][h264]-NTb.mkv",
            "created file /tv/The Bear/Season 3/The Bear - S03E02 - Next [WEBDL-1080p][EAC3 "
            "5.1][h264]-NTb.mkv",
            "created file /tv/The Bear/Season 3/The Bear - S03E03 - Doors [WEBDL-1080p][EAC3 "
            "5.1][h264]-NTb.mkv"},
           "Download: 3 paths"},
          {"v4/download_windows.json",
           {"created file D:\\TV\\The Bear\\Season 3\\The Bear - S03E01 - Tomorrow "
            "[WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "Download: 1 path"},
          {"v4/rename.json",
           {"deleted file /tv/Severance/Season 02/Severance - S02E01 - Hello, Ms. Cobel "
            "WEBDL-2160p.mkv",
            "created file /tv/Severance/Season 02/Severance - S02E01 - Hello, Ms. Cobel "
            "[WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-FLUX.mkv",
            "deleted file /tv/Severance/Season 1/Severance - S01E01 - Good News About Hell "
            "WEBDL-2160p.mkv",
            "created file /tv/Severance/Season 01/Severance - S01E01 - Good News About Hell "
            "[WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-FLUX.mkv"},
           "Rename: 4 paths"},
          {"v4/episode_file_delete.json",
           {"deleted file /tv/Severance/Season 02/Severance - S02E02 - Goodbye, Mrs. Selvig "
            "[WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-FLUX.mkv"},
           "EpisodeFileDelete: 1 path"},
          {"v4/series_delete.json", {"deleted folder /tv/Severance"}, "SeriesDelete: 1 path"},
      });
}

TEST_CASE("sonarr: events that change nothing on disk are answered 200 and queue nothing",
          "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_ignored(*source, "sonarr", kAgent,
                {
                    {"v4/test.json", "Test changes nothing on disk"},
                    {"v4/grab.json", "Grab changes nothing on disk"},
                    {"v4/series_add.json", "SeriesAdd changes nothing on disk"},
                    {"v4/health.json", "Health changes nothing on disk"},
                    {"v4/health_restored.json", "HealthRestored changes nothing on disk"},
                    {"v4/application_update.json", "ApplicationUpdate changes nothing on disk"},
                    {"v4/manual_interaction_required.json",
                     "ManualInteractionRequired changes nothing on disk"},
                    {"v4/series_delete_kept_files.json",
                     "SeriesDelete kept the files on disk: nothing to scan"},
                });
  // The one that names a folder it leaves alone hands it to the core's history.
  CHECK(host.dropped() ==
        Lines{"/tv/The Bear: SeriesDelete kept the files on disk: nothing to scan"});
  CHECK(host.logs().empty());
}

TEST_CASE("sonarr: bad requests get their status and a message naming what is wrong", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_rejected(
      *source, kAgent,
      {
          {"{}", 400, "body has no eventType"},
          {R"({"eventType": 7})", 400, "body has no eventType"},
          {R"({"eventType": "Download"})", 400, "Download event has no series.path"},
          {R"({"eventType": "Download", "episodeFile": {"id": 3, "relativePath": "S1/x.mkv"}})",
           400, "Download event has no episodeFile.path or series.path"},
          {R"({"eventType": "Download", "episodeFiles": []})", 400,
           "Download event has no series.path"},
          {R"({"eventType": "Rename"})", 400, "Rename event has no series.path"},
          {R"({"eventType": "Rename", "renamedEpisodeFiles": [{"relativePath": "S1/b.mkv"}]})", 400,
           "Rename event has no renamedEpisodeFiles[].previousPath or series.path"},
          {R"({"eventType": "EpisodeFileDelete", "series": {"title": "Show"}})", 400,
           "EpisodeFileDelete event has no series.path"},
          {R"({"eventType": "SeriesDelete", "deletedFiles": true})", 400,
           "SeriesDelete event has no series.path"},
      });
}

TEST_CASE("sonarr: a body that is not a JSON object is a 400 kept as a dead letter", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_rejected(*source, kAgent,
                 {
                     {"", 400, "body is empty"},
                     {" \r\n", 400, "body is empty"},
                     {"eventType=Download", 400, "body is not a JSON object"},
                     {"\"Download\"", 400, "body is not a JSON object"},
                     {"[1, 2]", 400, "body is not a JSON object"},
                     {R"([{"eventType": "Download"}])", 400, "body is not a JSON object"},
                     {R"({"eventType": "Download")", 400,
                      "body is not valid JSON: an object or array is not closed where the text "
                      "ends"},
                     {R"({"eventType": Download})", 400,
                      "body is not valid JSON: unexpected byte 'D' in value"},
                 });
}

TEST_CASE("sonarr: only POST and PUT are webhooks", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  const auto body = read_test_data("sonarr/v4/download.json");
  CHECK(post(*source, body, "PUT").events.size() == 1);
  for (const std::string method : {"GET", "DELETE", "PATCH"}) {
    const auto outcome = post(*source, body, method);
    CHECK(outcome.status == 405);
    CHECK(outcome.message == "Sonarr webhooks use POST or PUT, not " + method);
    CHECK(outcome.events.empty());
    CHECK_FALSE(outcome.keep_as_dead_letter);
  }
}

TEST_CASE(
    "sonarr: a file without path is found from series.path and relativePath, "
    "with the host's separator",
    "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  const auto linux_host = post(*source, R"({"eventType": "EpisodeFileDelete",
      "episodeFile": {"relativePath": "Season 1/Show - S01E02.mkv"},
      "series": {"path": "/tv/Show/"}})");
  CHECK(describe(linux_host.events) == Lines{"deleted file /tv/Show/Season 1/Show - S01E02.mkv"});
  const auto windows_host = post(*source, R"({"series": {"path": "C:\\TV\\Show"},
      "episodeFile": {"relativePath": "Season 1\\Show - S01E02.mkv"}, "eventType": "Download"})");
  CHECK(describe(windows_host.events) ==
        Lines{"created file C:\\TV\\Show\\Season 1\\Show - S01E02.mkv"});
}

TEST_CASE("sonarr: an unknown eventType is answered 200, queues nothing and is logged once",
          "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host, "sonarr4k");
  for (int i = 0; i < 3; ++i) {
    const auto outcome = post(*source, R"({"eventType": "SeasonPackDownload", "series": {}})");
    CHECK(outcome.status == 200);
    CHECK(outcome.message == "unknown eventType SeasonPackDownload: nothing to scan");
    CHECK(outcome.events.empty());
  }
  post(*source, R"({"eventType": "Reindex"})");
  const auto logs = host.logs();
  REQUIRE(logs.size() == 2);
  CHECK(logs[0].first == scanhook::LogLevel::warning);
  CHECK(logs[0].second ==
        "[source.sonarr4k] unknown Sonarr eventType \"SeasonPackDownload\": ignored (logged once)");
  CHECK(logs[1].second ==
        "[source.sonarr4k] unknown Sonarr eventType \"Reindex\": ignored (logged once)");
}

TEST_CASE("sonarr: unknown eventTypes are logged quoted, and only the first 64 names", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  post(*source, R"({"eventType": "Fake\nERROR admin logged in"})");
  REQUIRE(host.logs().size() == 1);
  CHECK(host.logs()[0].second ==
        "[source.sonarr] unknown Sonarr eventType \"Fake\\nERROR admin logged in\": ignored "
        "(logged once)");
  for (int i = 0; i < 100; ++i) {
    const auto outcome = post(*source, R"({"eventType": "Invented)" + std::to_string(i) + "\"}");
    CHECK(outcome.status == 200);
  }
  CHECK(host.logs().size() == 64);
}

TEST_CASE("sonarr: declares no keys of its own, so a stray key is refused", "[sonarr]") {
  RecordingHost host;
  CHECK_THROWS_WITH(make<scanhook::WebhookSource>("sonarr", Role::source, {{"url", "x"}}, host),
                    Catch::Matchers::Contains("[source.sonarr] url: unknown key"));
}

TEST_CASE(
    "sonarr: a new import from v3 or v4.0.0-4.0.8 is the file under series.path, not the download "
    "client's episodeFile.path",
    "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_accepted(
      *source, "sonarr", kAgent,
      {
          {"v3/download.json",
           {"created file /tv/Foundation/Season 2/Foundation - S02E01 - In Seldon's Shadow "
            "WEBDL-1080p.mkv"},
           "Download: 1 path"},
          {"v3/download_upgrade.json",
           {"created file /tv/Foundation/Season 2/Foundation - S02E01 - In Seldon's Shadow "
            "WEBDL-1080p.mkv",
            "deleted file /tv/Foundation/Season 2/Foundation - S02E01 - In Seldon's Shadow "
            "HDTV-720p.mkv"},
           "Download: 2 paths"},
          {"v4.0.0-4.0.8/download.json",
           {"created file /tv/Foundation/Season 3/Foundation - S03E01 - A Song for the End of "
            "Everything [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "Download: 1 path"},
          {"v4.0.0-4.0.8/download_import_complete.json",
           {"created file /tv/Foundation/Season 3/Foundation - S03E01 - A Song for the End of "
            "Everything [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv",
            "created file /tv/Foundation/Season 3/Foundation - S03E02 - Where the Stars Are "
            "Scattered Thinly [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "Download: 2 paths"},
      });
  CHECK(host.logs().empty());  // relativePath was there: nothing to warn about
}

TEST_CASE("sonarr: renamed and deleted files without path are found from series.path", "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_accepted(
      *source, "sonarr", kAgent,
      {
          {"v3/rename.json",
           {"deleted file /tv/Foundation/Season 1/Foundation - S01E01 - The Emperor's Peace "
            "WEBDL-2160p.mkv",
            "created file /tv/Foundation/Season 01/Foundation - S01E01 - The Emperor's Peace "
            "WEBDL-2160p.mkv"},
           "Rename: 2 paths"},
          {"v4.0.0-4.0.8/rename.json",
           {"deleted file /tv/Foundation/Season 3/Foundation - S03E01 - A Song for the End of "
            "Everything [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv",
            "created file /tv/Foundation/Season 03/Foundation - S03E01 - A Song for the End of "
            "Everything [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "Rename: 2 paths"},
          {"v3/episode_file_delete.json",
           {"deleted file /tv/Foundation/Season 2/Foundation - S02E01 - In Seldon's Shadow "
            "WEBDL-1080p.mkv"},
           "EpisodeFileDelete: 1 path"},
          {"v4.0.0-4.0.8/episode_file_delete.json",
           {"deleted file /tv/Foundation/Season 3/Foundation - S03E01 - A Song for the End of "
            "Everything [WEBDL-1080p][EAC3 5.1][h264]-NTb.mkv"},
           "EpisodeFileDelete: 1 path"},
          {"v3/series_delete.json", {"deleted folder /tv/Foundation"}, "SeriesDelete: 1 path"},
      });
  CHECK(host.logs().empty());
}

TEST_CASE("sonarr: older shapes fall back to the series folder, and the reply and log say so",
          "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  check_accepted(
      *source, "sonarr", kAgent,
      {
          {"v2/rename.json",
           {"modified folder /tv/Andor"},
           "Rename: 1 path; fell back: the payload has no renamedEpisodeFiles[]: scanned "
           "series.path"},
          {"v3.0.5-develop/episode_file_delete.json",
           {"deleted folder /tv/Andor"},
           "EpisodeFileDelete: 1 path; fell back: the payload has no episodeFile: scanned "
           "series.path"},
      });
  const auto download = post(*source, R"({"eventType": "Download",
      "series": {"path": "/tv/Andor"}})");
  CHECK(download.status == 200);
  CHECK(download.message ==
        "Download: 1 path; fell back: the payload has no episodeFile or episodeFiles[]: scanned "
        "series.path");
  CHECK(describe(download.events) == Lines{"created folder /tv/Andor"});
  const auto logs = host.logs();
  REQUIRE(logs.size() == 3);
  CHECK(logs[0].first == scanhook::LogLevel::info);
  CHECK(logs[0].second ==
        "[source.sonarr] Sonarr \"Rename\": fell back: the payload has no renamedEpisodeFiles[]: "
        "scanned series.path");
}

TEST_CASE(
    "sonarr: a file path outside series.path is never queued, and the warning names the field",
    "[sonarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  const auto outcome = post(*source, R"({"eventType": "Download",
      "series": {"path": "/tv/Foundation"},
      "episodeFile": {"path": "/downloads/complete/Foundation.S03E01/Foundation.S03E01.mkv"}})");
  CHECK(outcome.status == 200);
  CHECK(describe(outcome.events) == Lines{"created folder /tv/Foundation"});
  CHECK(
      outcome.message ==
      "Download: 1 path; fell back: episodeFile.path is outside series.path: scanned series.path");
  const auto logs = host.logs();
  REQUIRE(logs.size() == 2);
  CHECK(logs[0].first == scanhook::LogLevel::warning);
  CHECK(logs[0].second ==
        "[source.sonarr] Sonarr \"Download\": episodeFile.path "
        "\"/downloads/complete/Foundation.S03E01/Foundation.S03E01.mkv\" is outside series.path "
        "\"/tv/Foundation\": not used");

  // A relativePath that climbs out is not joined; the path inside the root is used instead.
  const auto climbing = post(*source, R"({"eventType": "EpisodeFileDelete",
      "series": {"path": "/tv/Foundation"},
      "episodeFile": {"relativePath": "../../etc/x.mkv",
                      "path": "/tv/Foundation/Season 3/x.mkv"}})");
  CHECK(describe(climbing.events) == Lines{"deleted file /tv/Foundation/Season 3/x.mkv"});
  CHECK(
      host.logs().back().second ==
      "[source.sonarr] Sonarr \"EpisodeFileDelete\": episodeFile.relativePath \"../../etc/x.mkv\" "
      "leaves series.path: not used");

  // With no series.path there is nothing to check a path against: it is used as sent.
  const auto rootless = post(*source, R"({"eventType": "Download",
      "episodeFiles": [{"path": "/tv/S/a.mkv"}, {"id": 2}]})");
  CHECK(describe(rootless.events) == Lines{"created file /tv/S/a.mkv"});
  CHECK(rootless.message ==
        "Download: 1 path; skipped: episodeFiles[] has no relativePath or path and there is no "
        "series.path");
  CHECK(host.logs().back().first == scanhook::LogLevel::warning);
}
