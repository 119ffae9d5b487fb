#include <catch2/catch.hpp>

#include "fakes/fake_audiobookshelf.hpp"
#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakeAudiobookshelf;
using scanhook::fakes::WatcherUpdate;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

namespace {

// An ABS API key is a JWT; its shape does not matter to the server's check.
constexpr const char* kToken = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJyb290In0.c2lnbmF0dXJl";
constexpr const char* kBooks = "5f2b7a10-3c4d-4e8f-9a0b-1c2d3e4f5a6b";
constexpr const char* kPodcasts = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";

void standard_libraries(FakeAudiobookshelf& abs) {
  abs.set_libraries({{kBooks, "Audiobooks", "book", {"/audiobooks", "/mnt/more-books"}},
                     {kPodcasts, "Podcasts", "podcast", {"/podcasts"}}});
}

std::shared_ptr<scanhook::Target> make_target(FakeAudiobookshelf& abs, RecordingHost& host) {
  return make<scanhook::Target>("audiobookshelf", Role::target,
                                {{"url", abs.url()}, {"token", kToken}, {"timeout", "2s"}}, host);
}

}  // namespace

TEST_CASE("audiobookshelf tells its watcher about each folder, in the library that holds it",
          "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto results = target->scan(
      {{"/audiobooks/Ann Leckie/Ancillary Justice", EventKind::created, 0},
       {"/mnt/more-books/Becky Chambers/Psalm for the Wild-Built", EventKind::modified, 0},
       {"/podcasts/Harbour Talk", EventKind::deleted, 0}});
  REQUIRE(results.size() == 3);
  for (const auto& result : results) CHECK(result.status == Status::ok);

  CHECK(abs.watcher_updates() ==
        std::vector<WatcherUpdate>{
            {kBooks, "/audiobooks/Ann Leckie/Ancillary Justice", "add"},
            {kBooks, "/mnt/more-books/Becky Chambers/Psalm for the Wild-Built", "add"},
            {kPodcasts, "/podcasts/Harbour Talk", "unlink"}});
  CHECK(abs.ignored_updates().empty());
  const auto posts = abs.requests_to("POST", "/api/watcher/update");
  REQUIRE(posts.size() == 3);
  CHECK(posts[0].header("Authorization") == "Bearer " + std::string(kToken));
  CHECK(posts[0].header("Content-Type") == std::optional<std::string>("application/json"));
  CHECK(abs.requests_to("GET", "/api/libraries").size() == 1);
}

TEST_CASE("audiobookshelf rejects a folder in no library, naming the libraries it has",
          "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto results = target->scan({{"/tv/Northern Lights", EventKind::created, 0},
                                     {"/audiobooks/Ann Leckie", EventKind::created, 0}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::rejected);
  CHECK_THAT(results[0].reason, Catch::Contains("/tv/Northern Lights is in no Audiobookshelf "
                                                "library") &&
                                    Catch::Contains("Audiobooks (/audiobooks, /mnt/more-books)"));
  CHECK(results[1].status == Status::ok);
  // The stray folder read the list again once (a library may have been added since).
  CHECK(abs.requests_to("GET", "/api/libraries").size() == 2);
  CHECK(abs.watcher_updates().size() == 1);
}

TEST_CASE("audiobookshelf refuses a library's own folder: the watcher would rescan it all",
          "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto results = target->scan({{"/podcasts/", EventKind::modified, 0}});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::rejected);
  CHECK_THAT(results[0].reason, Catch::Contains("root of the Audiobookshelf library \"Podcasts\""));
  CHECK(abs.requests_to("POST", "/api/watcher/update").empty());
}

TEST_CASE("audiobookshelf pauses on a token of a user who is not an admin, naming the setting",
          "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  abs.set_admin(false);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto results = target->scan(
      {{"/audiobooks/A", EventKind::created, 0}, {"/audiobooks/B", EventKind::created, 0}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::unavailable);
  CHECK_THAT(results[0].reason, Catch::Contains("403") && Catch::Contains("token"));
  // Once the server is refused, the rest of the batch is not tried.
  CHECK(results[1].status == Status::unavailable);
  CHECK(abs.requests_to("POST", "/api/watcher/update").size() == 1);
  CHECK(abs.watcher_updates().empty());
}

TEST_CASE("audiobookshelf with a wrong token keeps every folder and says so", "[audiobookshelf]") {
  FakeAudiobookshelf abs("another-token");
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto results = target->scan({{"/audiobooks/A", EventKind::created, 0}});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::unavailable);
  CHECK_THAT(results[0].reason, Catch::Contains("401"));
  CHECK(target->probe().status == Status::unavailable);
  CHECK(abs.requests_to("POST", "/api/watcher/update").empty());
}

TEST_CASE("audiobookshelf's probe answers once /ping and the library list answer",
          "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  abs.set_down(true);
  const auto down = target->probe();
  CHECK(down.status == Status::unavailable);
  abs.set_down(false);
  CHECK(target->probe().status == Status::ok);
  CHECK(abs.requests_to("GET", "/ping").size() == 1);
  // /ping carries no credentials; the library list does.
  CHECK_FALSE(abs.requests_to("GET", "/ping")[0].header("Authorization").has_value());
}

TEST_CASE("audiobookshelf's explain shows the watcher call it would make", "[audiobookshelf]") {
  FakeAudiobookshelf abs(kToken);
  standard_libraries(abs);
  RecordingHost host;
  auto target = make_target(abs, host);

  const auto explanation = target->explain({"/audiobooks/Ann Leckie", EventKind::created, 0});
  CHECK(explanation.verdict.status == Status::ok);
  CHECK(explanation.library == "Audiobooks");
  REQUIRE(explanation.requests.size() == 1);
  CHECK(explanation.requests[0].url == abs.url() + "/api/watcher/update");
  CHECK(explanation.requests[0].body == R"({"libraryId":")" + std::string(kBooks) +
                                            R"(","path":"/audiobooks/Ann Leckie","type":"add"})");
  CHECK(abs.requests_to("POST", "/api/watcher/update").empty());
}
