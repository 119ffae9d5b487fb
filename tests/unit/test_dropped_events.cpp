// Nothing vanishes: an event that no target takes is kept in the history with
// the step that dropped it, in the same commit as the request's other events.
#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/ingest.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "support/blocking_ingest.hpp"
#include "support/expected_printing.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::testing::TempDir;

namespace {

// Submits what the intake admitted, queued and dropped alike, and waits for the commit.
IngestReceipt wait_receipt(Ingest& ingest, const Expected<IntakeResult>& admitted) {
  REQUIRE(admitted);
  return scanhook::testing::submit_and_wait(ingest, admitted->events, admitted->dropped);
}

}  // namespace

TEST_CASE("an event the source's filter drops is one history row naming the filter", "[ingest]") {
  const Intake intake({{"sonarr", PathRules({}, {}, {"\\.partial$"}), 0, ""}},
                      {{"plex", {}, false}, {"emby", {}, false}});
  const auto admitted =
      intake.admit("sonarr", {{"/tv/Show/S01/e1.partial", true, EventKind::created, 0}});
  REQUIRE(admitted);
  CHECK(admitted->filtered == 1);
  REQUIRE(admitted->dropped.size() == 1);
  CHECK(admitted->dropped[0].folder == "/tv/Show/S01");
  CHECK(admitted->dropped[0].target.empty());
  CHECK(admitted->dropped[0].target_path == "/tv/Show/S01/e1.partial");
  CHECK(admitted->dropped[0].reason ==
        "the source's filter dropped it: excluded by exclude = \\.partial$");
}

TEST_CASE("an event every target refuses is one history row per target with its reason",
          "[ingest]") {
  const Intake intake({}, {{"plex", PathRules({}, {"^/movies/"}, {}), false},
                           {"emby", PathRules({"/tv => /mnt/tv"}, {}, {"/Show/"}), false}});
  const auto admitted = intake.admit("sonarr", {{"/tv/Show/S01", false, EventKind::modified, 0}});
  REQUIRE(admitted);
  CHECK(admitted->events.empty());
  CHECK(admitted->filtered == 1);
  REQUIRE(admitted->dropped.size() == 2);
  CHECK(admitted->dropped[0].target == "plex");
  CHECK(admitted->dropped[0].reason == "matches no include (^/movies/)");
  CHECK(admitted->dropped[1].target == "emby");
  CHECK(admitted->dropped[1].target_path == "/mnt/tv/Show/S01");  // as that target sees it
  CHECK(admitted->dropped[1].reason == "excluded by exclude = /Show/");
}

TEST_CASE("dropped events reach the history through the ingest's commit, beside queued ones",
          "[ingest]") {
  TempDir dir;
  Database database(dir / "db");
  Queue queue(database, std::chrono::milliseconds(0));
  Ingest ingest(queue, nullptr);
  const Intake intake({{"sonarr", PathRules({}, {}, {"/Extras/"}), 0, ""}}, {{"plex", {}, false}});
  const auto admitted =
      intake.admit("sonarr", {{"/tv/Show/S01/e1.mkv", true, EventKind::created, 0},
                              {"/tv/Show/Extras/x.mkv", true, EventKind::created, 0}});
  REQUIRE(admitted);
  REQUIRE(admitted->dropped.size() == 1);
  const IngestReceipt receipt = wait_receipt(ingest, admitted);
  CHECK(receipt.committed);
  CHECK(receipt.added == 1);
  const auto history = queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].folder == "/tv/Show/Extras");
  CHECK(history[0].outcome == "filtered");
  CHECK(history[0].attempts == 0);
  CHECK(history[0].reason == "the source's filter dropped it: excluded by exclude = /Extras/");
  CHECK(queue.folder_count() == 1);
}

TEST_CASE("a request whose every event is dropped still commits its history rows", "[ingest]") {
  TempDir dir;
  Database database(dir / "db");
  Queue queue(database, std::chrono::milliseconds(0));
  Ingest ingest(queue, nullptr);
  const Intake intake({{"sonarr", PathRules({}, {"^/tv/"}, {}), 0, ""}}, {{"plex", {}, false}});
  const auto admitted = intake.admit("sonarr", {{"/movies/Heat", false, EventKind::modified, 0}});
  REQUIRE(admitted);
  REQUIRE(admitted->events.empty());
  CHECK(wait_receipt(ingest, admitted).committed);
  const auto history = queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].reason == "the source's filter dropped it: matches no include (^/tv/)");
  CHECK(queue.folder_count() == 0);
}
