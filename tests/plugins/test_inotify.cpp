// The inotify source on its own, polled by the test as the core's poller
// would: what it submits for real folder changes, and what it keeps when the
// daemon cannot queue.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "scanhook/flush_on_stop.hpp"
#include "scanhook/polling_source.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::core::Role;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;
using scanhook::testing::TempDir;

namespace {

// Polls until `host` has at least `count` submitted events (5 s at most).
bool poll_until(scanhook::PollingSource& source, const RecordingHost& host, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    source.poll();
    if (host.submitted().size() >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("a finished file is submitted as a file event with its kind", "[inotify]") {
  TempDir media;
  RecordingHost host;
  auto source = make<scanhook::PollingSource>(
      "inotify", Role::source, {{"path", media.path().string()}, {"debounce", "50ms"}}, host);
  media.write("Heat (1995).mkv", "video");
  REQUIRE(poll_until(*source, host, 1));
  const auto events = host.submitted();
  REQUIRE(events.size() == 1);  // created, then closed: one path, the newest kind
  CHECK(events[0].path == (media / "Heat (1995).mkv").string());
  CHECK(events[0].is_file);
  CHECK(events[0].kind == scanhook::EventKind::modified);

  host.clear_submitted();
  std::filesystem::remove(media / "Heat (1995).mkv");
  REQUIRE(poll_until(*source, host, 1));
  CHECK(host.submitted()[0].kind == scanhook::EventKind::deleted);
}

TEST_CASE("ignore_suffixes and ignore_hidden decide which names are left alone", "[inotify]") {
  TempDir media;
  RecordingHost host;
  auto source = make<scanhook::PollingSource>("inotify", Role::source,
                                              {{"path", media.path().string()},
                                               {"debounce", "50ms"},
                                               {"ignore_suffixes", ".sync, .wip"},
                                               {"ignore_hidden", "false"}},
                                              host);
  media.write("a.mkv.sync", "x");
  media.write("b.wip", "x");
  media.write(".hidden.mkv", "x");  // not ignored now
  media.write("c.mkv.part", "x");   // .part is only a default
  REQUIRE(poll_until(*source, host, 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  source->poll();
  std::set<std::string> names;
  for (const auto& event : host.submitted())
    names.insert(std::filesystem::path(event.path).filename().string());
  CHECK(names == std::set<std::string>{".hidden.mkv", "c.mkv.part"});
}

TEST_CASE("changes the daemon cannot queue are kept and submitted once it can", "[inotify]") {
  TempDir media;
  RecordingHost host;
  auto source = make<scanhook::PollingSource>(
      "inotify", Role::source, {{"path", media.path().string()}, {"debounce", "50ms"}}, host);
  host.fail_submits(true);
  media.write("Heat (1995).mkv", "video");
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (std::chrono::steady_clock::now() < until) source->poll();
  CHECK(host.logged("cannot queue 1 change now: kept"));
  host.fail_submits(false);
  // Tried again after InotifySource::kResubmitDelay (5 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (host.submitted().empty() && std::chrono::steady_clock::now() < deadline) {
    source->poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(host.submitted().size() == 1);
  CHECK(host.submitted()[0].path == (media / "Heat (1995).mkv").string());
  CHECK(host.logged("changes are queued again"));
}

TEST_CASE("at a stop the changes still inside debounce are submitted at once", "[inotify]") {
  TempDir media;
  RecordingHost host;
  auto source = make<scanhook::PollingSource>(
      "inotify", Role::source, {{"path", media.path().string()}, {"debounce", "1h"}}, host);
  // Found by the core's poller as it is here, across the plugin's .so boundary.
  auto* flush = dynamic_cast<scanhook::FlushOnStop*>(source.get());
  REQUIRE(flush != nullptr);
  media.write("Heat (1995).mkv", "video");
  source->poll();  // seen, held for the hour
  CHECK(host.submitted().empty());
  std::filesystem::create_directories(media / "Ronin (1998)");  // still in the kernel's queue

  flush->flush();
  std::set<std::string> paths;
  for (const auto& event : host.submitted()) paths.insert(event.path);
  CHECK(paths == std::set<std::string>{(media / "Heat (1995).mkv").string(),
                                       (media / "Ronin (1998)").string()});
  CHECK(host.logged("stopping: queued the 2 changes still inside debounce"));

  host.clear_submitted();
  flush->flush();  // nothing held back now: nothing again
  CHECK(host.submitted().empty());
}

TEST_CASE("changes a stop cannot queue are named lost in the log", "[inotify]") {
  TempDir media;
  RecordingHost host;
  auto source = make<scanhook::PollingSource>(
      "inotify", Role::source, {{"path", media.path().string()}, {"debounce", "1h"}}, host);
  media.write("Heat (1995).mkv", "video");
  source->poll();
  host.fail_submits(true);
  dynamic_cast<scanhook::FlushOnStop&>(*source).flush();
  CHECK(host.submitted().empty());
  CHECK(host.logged("stopping: could not queue 1 change still inside debounce: they are lost"));
}

TEST_CASE("a path that is not a folder stops start-up with the reason", "[inotify]") {
  TempDir media;
  RecordingHost host;
  const auto file = media.write("not-a-folder", "x");
  CHECK_THROWS_WITH(
      make<scanhook::PollingSource>("inotify", Role::source, {{"path", file.string()}}, host),
      Contains("is not a folder"));
  CHECK_THROWS_WITH(make<scanhook::PollingSource>("inotify", Role::source, {}, host),
                    Contains("path: required key is missing"));
}
