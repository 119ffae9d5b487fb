// require_exists end to end: the real scanhookd holding a folder back from a
// recording target until the folder, its files and their sha256 are there.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "support/plugin_daemon.hpp"
#include "support/presence_rig.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::PluginDaemon;
using scanhook::testing::PresenceRig;
namespace fs = std::filesystem;

namespace {

// sha256 of "video" (`printf video | sha256sum`).
const std::string kVideoSha256 = "0cab1c9617404faf2b24e221e189ca5945813e14d3f766345b09ca13bbe28ffc";

// Heat.mkv written whole and scanned with its sha256: delivered at once.
void deliver_heat_with_its_hash(const PresenceRig& rig) {
  rig.write("movies/Heat (1995)/Heat.mkv", "video");
  rig.scan_file("/mnt/media/movies/Heat (1995)/Heat.mkv", kVideoSha256);
  REQUIRE(rig.delivered());
}

}  // namespace

TEST_CASE("with require_exists a folder waits until it exists locally, then is delivered",
          "[e2e][require_exists]") {
  PresenceRig rig;
  rig.scan_folder("/mnt/media/tv/Severance/Season 02");
  rig.check_held_back("the folder " + (rig.local() / "tv/Severance/Season 02").string() +
                      " (local_rewrite of /mnt/media/tv/Severance/Season 02) does not exist");
  fs::create_directories(rig.local() / "tv/Severance/Season 02");
  rig.check_delivered_once("/mnt/media/tv/Severance/Season 02");
}

TEST_CASE("a folder still missing after exists_timeout is rejected with the reason",
          "[e2e][require_exists]") {
  PresenceRig rig("1s");
  rig.scan_folder("/mnt/media/tv/Never There");
  const auto row = rig.first_history_row();
  CHECK(row->getValue<std::string>("outcome") == "rejected");
  CHECK_THAT(row->getValue<std::string>("reason"),
             Contains("tv/Never There (local_rewrite of /mnt/media/tv/Never There) does not "
                      "exist, 1s after the first event (require_exists, exists_timeout)"));
  CHECK(rig.recorded().empty());
}

TEST_CASE("a file whose sha256 never matches is rejected at exists_timeout, never scanned",
          "[e2e][require_exists]") {
  PresenceRig rig("1s");
  rig.write("movies/Ronin (1998)/Ronin.mkv", "not the video");
  rig.scan_file("/mnt/media/movies/Ronin (1998)/Ronin.mkv", kVideoSha256);
  const auto row = rig.first_history_row();
  CHECK(row->getValue<std::string>("outcome") == "rejected");
  CHECK_THAT(row->getValue<std::string>("reason"), Contains("not the expected " + kVideoSha256));
  CHECK(rig.recorded().empty());
}

TEST_CASE("a file event's folder waits until the file exists", "[e2e][require_exists]") {
  PresenceRig rig;
  fs::create_directories(rig.local() / "movies/Heat (1995)");
  rig.client().post_json("/api/scan",
                         R"({"files":[{"path":"/mnt/media/movies/Heat (1995)/Heat.mkv"}]})");
  rig.check_held_back("Heat.mkv) does not exist");
  rig.write("movies/Heat (1995)/Heat.mkv", "video");
  rig.check_delivered_once("/mnt/media/movies/Heat (1995)");
}

TEST_CASE("a file given with its sha256 waits until the file has that content",
          "[e2e][require_exists]") {
  PresenceRig rig;
  rig.write("movies/Heat (1995)/Heat.mkv", "vid");  // still uploading
  SECTION("through /api/scan") {
    rig.scan_file("/mnt/media/movies/Heat (1995)/Heat.mkv", kVideoSha256);
  }
  SECTION("through the manual trigger") {
    const auto answer = rig.client().post(
        "/triggers/manual?file=%2Fmnt%2Fmedia%2Fmovies%2FHeat%20%281995%29%2FHeat.mkv&hash=" +
            kVideoSha256,
        "", "");
    REQUIRE(answer.status == 200);
  }
  rig.check_held_back("not the expected " + kVideoSha256);
  rig.write("movies/Heat (1995)/Heat.mkv", "video");
  rig.check_delivered_once("/mnt/media/movies/Heat (1995)");
}

TEST_CASE("a bad hash is a 400 and queues nothing", "[e2e][require_exists]") {
  PresenceRig rig;
  const auto short_hash = rig.client().post(
      "/api/scan", R"({"files":[{"path":"/mnt/media/movies/Heat.mkv","hash":"abc"}]})",
      "application/json");
  CHECK(short_hash.status == 400);
  CHECK_THAT(short_hash.body, Contains("64 hex digits"));
  const auto two_files = rig.client().post(
      "/triggers/manual?file=%2Fa%2Fb.mkv&file=%2Fa%2Fc.mkv&hash=" + kVideoSha256, "", "");
  CHECK(two_files.status == 400);
  CHECK_THAT(two_files.body, Contains("exactly one file"));
  CHECK(rig.client().queue_empty());
}

TEST_CASE("a hash is refused when no target would check it", "[e2e][require_exists]") {
  const PluginDaemon daemon({"recorder"},
                            "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n");
  const auto answer = daemon.client().post(
      "/api/scan",
      R"({"files":[{"path":"/mnt/media/movies/Heat.mkv","hash":")" + kVideoSha256 + "\"}]}",
      "application/json");
  CHECK(answer.status == 400);
  CHECK_THAT(answer.body, Contains("require_exists = true"));
}

TEST_CASE("explain shows where a require_exists target looks and what is missing there",
          "[e2e][require_exists]") {
  PresenceRig rig;
  const auto explain = [&] {
    return rig.client()
        .post_json("/api/explain", R"({"path":"/mnt/media/tv/Andor/Season 01"})")
        ->getArray("targets")
        ->getObject(0)
        ->getObject("require_exists");
  };
  const std::string local = (rig.local() / "tv/Andor/Season 01").string();
  CHECK(explain()->getValue<std::string>("local_path") == local);
  CHECK(explain()->getValue<std::string>("missing") ==
        "the folder " + local + " (local_rewrite of /mnt/media/tv/Andor/Season 01) does not exist");
  fs::create_directories(local);
  CHECK(explain()->getValue<std::string>("missing").empty());
  CHECK(rig.recorded().empty());  // explain queues nothing
}

TEST_CASE("a hash given for an earlier scan of the folder does not hold back its next one",
          "[e2e][require_exists]") {
  PresenceRig rig;
  deliver_heat_with_its_hash(rig);
  rig.check_scanned_again_after_upgrade("movies/Heat (1995)/Heat.mkv",
                                        "/mnt/media/movies/Heat (1995)");
}

TEST_CASE("a file's sha256 still holds its folder back after a restart, until the file has it",
          "[e2e][require_exists]") {
  PresenceRig rig;
  rig.write("movies/Heat (1995)/Heat.mkv", "vid");  // still uploading
  rig.scan_file("/mnt/media/movies/Heat (1995)/Heat.mkv", kVideoSha256);
  std::this_thread::sleep_for(PresenceRig::kSeveralRetries);
  CHECK_THAT(rig.last_error(), Contains("not the expected " + kVideoSha256));

  rig.restart();
  // The folder is there, the file is not yet what was named.
  rig.check_held_back("not the expected " + kVideoSha256);
  rig.write("movies/Heat (1995)/Heat.mkv", "video");
  rig.check_delivered_once("/mnt/media/movies/Heat (1995)");
}

TEST_CASE("after a restart a folder already delivered is not held to the files of its last scan",
          "[e2e][require_exists]") {
  PresenceRig rig;
  deliver_heat_with_its_hash(rig);
  rig.restart();
  rig.check_scanned_again_after_upgrade("movies/Heat (1995)/Heat.mkv",
                                        "/mnt/media/movies/Heat (1995)");
}
