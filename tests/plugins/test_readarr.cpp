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

const char* const kAgent = "Readarr/0.4.18.2805 (ubuntu 22.04)";
const std::string kAuthor = "/books/Ursula K. Le Guin";
const std::string kBook = kAuthor + "/The Dispossessed (1974)";

}  // namespace

TEST_CASE("readarr: each file-changing event becomes the files and folders it touched",
          "[readarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("readarr", Role::source, {}, host);
  check_accepted(
      *source, "readarr", kAgent,
      {
          {"v0.3/download.json",
           {"created file " + kBook + "/The Dispossessed - Ursula K. Le Guin.epub",
            "created file " + kBook + "/The Dispossessed - Ursula K. Le Guin.azw3"},
           "Download: 2 paths"},
          {"v0.3/download_upgrade.json",
           {"created file " + kBook + "/The Dispossessed - Ursula K. Le Guin.epub",
            "deleted file " + kBook + "/The Dispossessed - Ursula K. Le Guin.mobi"},
           "Download: 2 paths"},
          {"v0.3/download_windows.json",
           {"created file E:\\Books\\Ursula K. Le Guin\\The Dispossessed (1974)\\The Dispossessed "
            "- Ursula K. Le Guin.epub"},
           "Download: 1 path"},
          {"v0.3/rename.json",
           {"deleted file " + kAuthor +
                "/The Dispossessed/Ursula K. Le Guin - The Dispossessed.epub",
            "created file " + kBook + "/The Dispossessed - Ursula K. Le Guin.epub"},
           "Rename: 2 paths"},
          {"v0.3/retag.json",
           {"modified file " + kBook + "/The Dispossessed - Ursula K. Le Guin.azw3"},
           "Retag: 1 path"},
          {"v0.3/book_file_delete.json",
           {"deleted file " + kBook + "/The Dispossessed - Ursula K. Le Guin.azw3"},
           "BookFileDelete: 1 path"},
          {"v0.3/author_delete.json", {"deleted folder " + kAuthor}, "AuthorDelete: 1 path"},
          {"v0.3/book_delete.json", {"modified folder " + kAuthor}, "BookDelete: 1 path"},
      });
}

TEST_CASE("readarr: events that change nothing on disk are answered 200 and queue nothing",
          "[readarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("readarr", Role::source, {}, host);
  check_ignored(*source, "readarr", kAgent,
                {
                    {"v0.3/test.json", "Test changes nothing on disk"},
                    {"v0.3/grab.json", "Grab changes nothing on disk"},
                    {"v0.3/author_added.json", "AuthorAdded changes nothing on disk"},
                    {"v0.3/health.json", "Health changes nothing on disk"},
                    {"v0.3/application_update.json", "ApplicationUpdate changes nothing on disk"},
                    {"v0.3/author_delete_kept_files.json",
                     "AuthorDelete kept the files on disk: nothing to scan"},
                });
  CHECK(host.dropped() ==
        std::vector<std::string>{
            "/books/Ursula K. Le Guin: AuthorDelete kept the files on disk: nothing to scan"});
  CHECK(host.logs().empty());
}

TEST_CASE("readarr: bad requests get their status and a message naming what is wrong",
          "[readarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("readarr", Role::source, {}, host);
  check_rejected(
      *source, kAgent,
      {
          {"null", 400, "body is not a JSON object"},
          {R"({"eventType": ["Download"]})", 400, "body has no eventType"},
          {R"({"eventType": "Download", "bookFiles": null})", 400,
           "Download event has no author.path"},
          {R"({"eventType": "Download", "bookFiles": [{"path": ""}]})", 400,
           "Download event has no bookFiles[].path or author.path"},
          {R"({"eventType": "Rename", "renamedBookFiles": [{"path": 5}]})", 400,
           "Rename event has no renamedBookFiles[].previousPath or author.path"},
          {R"({"eventType": "Retag", "bookFile": {"id": 3}})", 400,
           "Retag event has no bookFile.path or author.path"},
          {R"({"eventType": "BookFileDelete", "book": {"title": "B"}})", 400,
           "BookFileDelete event has no author.path"},
          {R"({"eventType": "AuthorDelete", "deletedFiles": true})", 400,
           "AuthorDelete event has no author.path"},
          {R"({"eventType": "BookDelete", "author": {"path": ""}, "deletedFiles": true})", 400,
           "BookDelete event has no author.path"},
      });
  const auto get = arr_post(*source, read_test_data("readarr/v0.3/download.json"), kAgent, "GET");
  CHECK(get.status == 405);
  CHECK(get.message == "Readarr webhooks use POST or PUT, not GET");
}

TEST_CASE("readarr: an unknown eventType is answered 200, queues nothing and is logged once",
          "[readarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("readarr", Role::source, {}, host);
  for (int i = 0; i < 2; ++i)
    CHECK(arr_post(*source, R"({"eventType": "AuthorEdited"})", kAgent).status == 200);
  REQUIRE(host.logs().size() == 1);
  CHECK(host.logs()[0].second ==
        "[source.readarr] unknown Readarr eventType \"AuthorEdited\": ignored (logged once)");
}

TEST_CASE("readarr: 0.1 book files are their stored paths, and a Retag without bookFile falls back",
          "[readarr]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("readarr", Role::source, {}, host);
  const std::string jemisin = "/books/N. K. Jemisin";
  const std::string season = jemisin + "/The Fifth Season (2015)";
  check_accepted(
      *source, "readarr", kAgent,
      {
          {"v0.1/download.json",
           {"created file " + season + "/The Fifth Season - N. K. Jemisin.epub"},
           "Download: 1 path"},
          {"v0.1/rename.json",
           {"deleted file " + jemisin + "/The Fifth Season/The Fifth Season - N. K. Jemisin.epub",
            "created file " + season + "/The Fifth Season.epub"},
           "Rename: 2 paths"},
          {"v0.1/book_file_delete.json",
           {"deleted file " + season + "/The Fifth Season - N. K. Jemisin.epub"},
           "BookFileDelete: 1 path"},
      });
  CHECK(host.logs().empty());
  const auto retag =
      arr_post(*source, R"({"eventType": "Retag", "author": {"path": "/books/A"}})", kAgent);
  CHECK(retag.status == 200);
  CHECK(retag.message ==
        "Retag: 1 path; fell back: the payload has no bookFile: scanned author.path");
}
