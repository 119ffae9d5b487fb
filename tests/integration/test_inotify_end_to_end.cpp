// The inotify source end to end: the real scanhookd watching real folders,
// a recording target receiving the folders that changed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/eventually.hpp"
#include "support/plugin_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::PluginDaemon;
using scanhook::testing::PluginDaemonOptions;
using scanhook::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Longer than the debounce plus a dispatch: what was going to arrive has.
constexpr std::chrono::milliseconds kSettle{1500};

// The watched tree (made before the daemon starts), seen by the target as /mnt/media.
fs::path made_media(const TempDir& media) {
  fs::create_directories(media / "tv/Severance/Season 02");
  fs::create_directories(media / "movies");
  return media.path();
}

class WatchRig {
 public:
  explicit WatchRig(const std::string& source_extra = "",
                    const std::vector<std::string>& environment = {},
                    const std::string& debounce = "200ms")
      : daemon_({"inotify", "recorder"},
                "[source.media]\nplugin = inotify\npath = " + made_media(media_).string() +
                    "\ndebounce = " + debounce + "\nrewrite = " + media_.path().string() +
                    " => /mnt/media\n" + source_extra +
                    "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n",
                PluginDaemonOptions{"127.0.0.1:0", "", environment}) {
    REQUIRE(daemon_.process().wait_for_output("watching " + media().string()));
  }

  fs::path media() const { return media_.path(); }
  fs::path elsewhere(const std::string& relative) const { return daemon_.dir() / relative; }
  DaemonProcess& daemon() { return daemon_.process(); }
  // SIGTERM, then the same INI, folder and database again.
  void stop() { daemon_.stop(); }
  void start() { daemon_.start("127.0.0.1:0"); }

  void write(const std::string& relative, const std::string& content = "video") const {
    std::ofstream(media() / relative, std::ios::binary | std::ios::app) << content;
  }
  std::vector<std::string> recorded() const { return daemon_.recorded(); }
  // True once `folder` (as the target sees it) has been delivered.
  bool delivered(const std::string& folder) const {
    return eventually(
        [&] {
          const auto all = recorded();
          return std::find(all.begin(), all.end(), folder) != all.end();
        },
        std::chrono::seconds(10));
  }
  std::size_t count(const std::string& folder) const {
    const auto all = recorded();
    return static_cast<std::size_t>(std::count(all.begin(), all.end(), folder));
  }

 private:
  TempDir media_{"scanhook-media"};
  PluginDaemon daemon_;
};

}  // namespace

TEST_CASE("a file written into a watched folder queues its folder once, after the debounce",
          "[e2e][inotify]") {
  WatchRig rig;
  // Written in several steps, closed several times: one folder, one delivery.
  for (int i = 0; i < 5; ++i) rig.write("tv/Severance/Season 02/Severance - S02E01.mkv");
  REQUIRE(rig.delivered("/mnt/media/tv/Severance/Season 02"));
  std::this_thread::sleep_for(kSettle);
  CHECK(rig.recorded() == std::vector<std::string>{"/mnt/media/tv/Severance/Season 02"});

  fs::remove(rig.media() / "tv/Severance/Season 02/Severance - S02E01.mkv");
  REQUIRE(eventually([&] { return rig.count("/mnt/media/tv/Severance/Season 02") == 2; },
                     std::chrono::seconds(10)));
}

TEST_CASE("a new subfolder is watched as it appears", "[e2e][inotify]") {
  WatchRig rig;
  fs::create_directories(rig.media() / "tv/Andor");
  REQUIRE(rig.delivered("/mnt/media/tv/Andor"));
  fs::create_directories(rig.media() / "tv/Andor/Season 01");
  rig.write("tv/Andor/Season 01/Andor - S01E01.mkv");
  CHECK(rig.delivered("/mnt/media/tv/Andor/Season 01"));
}

TEST_CASE("a partial download is ignored until it is renamed to its final name", "[e2e][inotify]") {
  WatchRig rig;
  rig.write("movies/Dune.Part.Two.2024.2160p.mkv.part", std::string(1 << 16, 'x'));
  rig.write("movies/Dune.Part.Two.2024.2160p.mkv.part", std::string(1 << 16, 'x'));
  rig.write("movies/.Dune.mkv.Xa81bc");  // rsync's temporary name
  rig.write("movies/qbit.mkv.!qB");
  std::this_thread::sleep_for(kSettle);
  CHECK(rig.recorded().empty());

  fs::rename(rig.media() / "movies/Dune.Part.Two.2024.2160p.mkv.part",
             rig.media() / "movies/Dune.Part.Two.2024.2160p.mkv");
  REQUIRE(rig.delivered("/mnt/media/movies"));
  std::this_thread::sleep_for(kSettle);
  CHECK(rig.recorded() == std::vector<std::string>{"/mnt/media/movies"});
}

TEST_CASE("folders moved in, out and within the watched tree are scanned where they were and are",
          "[e2e][inotify]") {
  WatchRig rig;
  SECTION("moved in from outside: the folder, and it is watched") {
    fs::create_directories(rig.elsewhere("downloads/Oppenheimer (2023)"));
    std::ofstream(rig.elsewhere("downloads/Oppenheimer (2023)/Oppenheimer.mkv")) << "video";
    fs::rename(rig.elsewhere("downloads/Oppenheimer (2023)"),
               rig.media() / "movies/Oppenheimer (2023)");
    REQUIRE(rig.delivered("/mnt/media/movies/Oppenheimer (2023)"));
    rig.write("movies/Oppenheimer (2023)/Oppenheimer.en.srt");
    CHECK(eventually([&] { return rig.count("/mnt/media/movies/Oppenheimer (2023)") == 2; },
                     std::chrono::seconds(10)));
  }
  SECTION("moved out: the folder it left") {
    fs::rename(rig.media() / "tv/Severance", rig.elsewhere("severance-elsewhere"));
    CHECK(rig.delivered("/mnt/media/tv/Severance"));
    // No longer watched: a change there is not ours.
    std::ofstream(rig.elsewhere("severance-elsewhere/Season 02/x.mkv")) << "video";
    std::this_thread::sleep_for(kSettle);
    CHECK(rig.count("/mnt/media/tv/Severance/Season 02") == 0);
  }
  SECTION("renamed within: both names, and the watches follow the new name") {
    fs::rename(rig.media() / "tv/Severance", rig.media() / "tv/Severance (2022)");
    REQUIRE(rig.delivered("/mnt/media/tv/Severance"));
    REQUIRE(rig.delivered("/mnt/media/tv/Severance (2022)"));
    rig.write("tv/Severance (2022)/Season 02/Severance - S02E02.mkv");
    CHECK(rig.delivered("/mnt/media/tv/Severance (2022)/Season 02"));
  }
}

TEST_CASE(
    "changes still inside debounce when scanhookd stops are queued and delivered after it starts "
    "again",
    "[e2e][inotify]") {
  WatchRig rig("", {}, "1h");
  rig.write("tv/Severance/Season 02/Severance - S02E03.mkv");
  fs::create_directories(rig.media() / "movies/Heat (1995)");
  std::this_thread::sleep_for(kSettle);
  CHECK(rig.recorded().empty());  // held for the hour

  rig.stop();  // SIGTERM: the kernel will not replay these changes at the next start
  CHECK_THAT(rig.daemon().output(),
             Contains("stopping: queued the 2 changes still inside debounce"));
  rig.start();
  CHECK(rig.delivered("/mnt/media/tv/Severance/Season 02"));
  CHECK(rig.delivered("/mnt/media/movies/Heat (1995)"));
  std::this_thread::sleep_for(kSettle);
  CHECK(rig.count("/mnt/media/tv/Severance/Season 02") == 1);
  CHECK(rig.count("/mnt/media/movies/Heat (1995)") == 1);
}

TEST_CASE(
    "past the kernel's watch limit the source says how to raise it and rescans what it "
    "could not watch",
    "[e2e][inotify]") {
  TempDir limit_dir("scanhook-inotify-limit");
  const auto limit_file = limit_dir / "max_user_watches";
  std::ofstream(limit_file) << 1;  // the root only
  WatchRig rig("rescan_interval = 1s\n",
               {std::string("LD_PRELOAD=") + SCANHOOK_INOTIFY_LIMIT_PRELOAD,
                "SCANHOOK_INOTIFY_LIMIT_FILE=" + limit_file.string()});
  CHECK(rig.daemon().wait_for_output("fs.inotify.max_user_watches"));
  CHECK_THAT(rig.daemon().output(), Contains("sysctl -w fs.inotify.max_user_watches="));
  CHECK_THAT(rig.daemon().output(), Contains("cannot watch 4 folders under"));

  // Not watched: found by the next listing.
  rig.write("tv/Severance/Season 02/Severance - S02E03.mkv");
  CHECK(rig.delivered("/mnt/media/tv/Severance/Season 02"));

  // The limit raised: the next rescan watches them, and changes arrive at once again.
  std::ofstream(limit_file) << 100;
  CHECK(rig.daemon().wait_for_output("is watched again", std::chrono::seconds(10)));
  rig.write("movies/Heat (1995).mkv");
  CHECK(rig.delivered("/mnt/media/movies"));
}
