// The rclone polling source against a real `rclone rcd` listing a local temp
// folder as the remote: exactly the expected events, a silent first poll,
// restarts without duplicates, and a baseline that advances only when queued.
#include <catch2/catch.hpp>

#include <filesystem>

#include "scanhook/polling_source.hpp"
#include "support/plugin_harness.hpp"
#include "support/rclone_remote.hpp"
#include "support/recording_host.hpp"
#include "support/untimed_rclone.hpp"

using scanhook::EventKind;
using scanhook::LogLevel;
using scanhook::PollingSource;
using scanhook::core::Role;
using scanhook::testing::free_port;
using scanhook::testing::make;
using scanhook::testing::RcloneRemote;
using scanhook::testing::RecordingHost;
using scanhook::testing::UntimedRclone;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> described(const std::vector<scanhook::ScanEvent>& events) {
  std::vector<std::string> lines;
  for (const auto& event : events)
    lines.push_back(std::string(scanhook::event_kind_name(event.kind)) + " " + event.path +
                    (event.is_file ? "" : " (folder)"));
  return lines;
}

std::shared_ptr<PollingSource> poller(const std::string& url, const std::filesystem::path& remote,
                                      RecordingHost& host,
                                      const std::string& max_deleted_percent = "50") {
  return make<PollingSource>("rclone", Role::source,
                             {{"url", url},
                              {"remote", remote.string()},
                              {"interval", "90s"},
                              {"path_prefix", "/mnt/remote/"},
                              {"max_deleted_percent", max_deleted_percent}},
                             host, "gdrive");
}

std::shared_ptr<PollingSource> poller(const RcloneRemote& remote, RecordingHost& host,
                                      const std::string& max_deleted_percent = "50") {
  return poller(remote.url(), remote.path(), host, max_deleted_percent);
}

// `count` episodes E0.mkv, E1.mkv... in one season folder of the remote.
void write_episodes(const RcloneRemote& remote, int count) {
  for (int i = 0; i < count; ++i) remote.write("tv/Show/E" + std::to_string(i) + ".mkv", "x");
}

void remove_episodes(const RcloneRemote& remote, int count) {
  for (int i = 0; i < count; ++i)
    std::filesystem::remove(remote.path() / ("tv/Show/E" + std::to_string(i) + ".mkv"));
}

// A remote of `count` episodes and its poller, after the baseline poll.
struct PolledEpisodes {
  explicit PolledEpisodes(int count) {
    write_episodes(remote, count);
    source->poll();
  }
  RcloneRemote remote;
  RecordingHost host;
  std::shared_ptr<PollingSource> source = poller(remote, host);
};

std::size_t warnings(const RecordingHost& host) {
  std::size_t count = 0;
  for (const auto& [level, message] : host.logs()) count += level == LogLevel::warning;
  return count;
}

}  // namespace

TEST_CASE("polling a remote reports created, modified and deleted files after a silent first poll",
          "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  remote.write("tv/Show/S01E02.mkv", "two");
  const auto touched = remote.write("movies/Film (2020)/film.mkv", "film");
  remote.write("movies/Old (1999)/old.mkv", "old");
  RecordingHost host;
  auto source = poller(remote, host);

  CHECK(source->poll() == 90s);
  CHECK(host.submitted().empty());
  CHECK(host.logged("recorded a baseline of 4 files of " + remote.path().string()));
  CHECK(host.stored().at("listing/summary") == "1 4\n" + remote.path().string());

  CHECK(source->poll() == 90s);
  CHECK(host.submitted().empty());

  remote.write("tv/Show/S01E03.mkv", "three");            // created
  remote.write("tv/Show/S01E01.mkv", "one, re-encoded");  // size changes
  std::filesystem::last_write_time(touched, std::filesystem::last_write_time(touched) - 1h);
  std::filesystem::remove_all(remote.path() / "movies/Old (1999)");  // deleted
  CHECK(source->poll() == 90s);
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"modified /mnt/remote/movies/Film (2020)/film.mkv",
                                 "deleted /mnt/remote/movies/Old (1999)/old.mkv",
                                 "modified /mnt/remote/tv/Show/S01E01.mkv",
                                 "created /mnt/remote/tv/Show/S01E03.mkv"});

  host.clear_submitted();
  CHECK(source->poll() == 90s);
  CHECK(host.submitted().empty());
  CHECK(host.stored().at("listing/summary") == "1 4\n" + remote.path().string());
}

TEST_CASE(
    "a backend that gives no ModTime is polled and compared by size, logged once, never "
    "stalled",
    "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  const auto touched = remote.write("tv/Show/S01E02.mkv", "two");
  const UntimedRclone untimed(remote.url());
  RecordingHost host;
  auto source = poller(untimed.url(), remote.path(), host);

  CHECK(source->poll() == 90s);
  CHECK(host.logged("recorded a baseline of 2 files of " + remote.path().string()));
  CHECK(host.logged("2 files of " + remote.path().string() + " have no readable ModTime"));

  remote.write("tv/Show/S01E01.mkv", "one, re-encoded");  // size changes
  std::filesystem::last_write_time(touched, std::filesystem::last_write_time(touched) - 1h);
  remote.write("tv/Show/S01E03.mkv", "three");
  CHECK(source->poll() == 90s);
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"modified /mnt/remote/tv/Show/S01E01.mkv",
                                 "created /mnt/remote/tv/Show/S01E03.mkv"});
  CHECK(untimed.untimed_listings() == 2);
  CHECK(warnings(host) == 0);
  std::size_t told = 0;
  for (const auto& [level, message] : host.logs())
    told += message.find("have no readable ModTime") != std::string::npos;
  CHECK(told == 1);
}

TEST_CASE("a restarted poller resumes from the stored listing: no duplicates, no flood",
          "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  RecordingHost host;
  poller(remote, host)->poll();  // baseline, then the daemon stops
  remote.write("tv/Show/S01E02.mkv", "two");

  auto restarted = poller(remote, host);
  restarted->poll();
  CHECK(host.logged("resuming from the stored listing of " + remote.path().string() + " (1 file)"));
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"created /mnt/remote/tv/Show/S01E02.mkv"});

  host.clear_submitted();
  auto again = poller(remote, host);
  again->poll();
  CHECK(host.submitted().empty());
}

TEST_CASE(
    "a poller taking its turn back diffs against the listing another instance stored meanwhile, "
    "not its own older one",
    "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  RecordingHost host;  // one store, as two scanhookd share one PostgreSQL
  auto a = poller(remote, host);
  auto b = poller(remote, host);
  a->poll();  // a holds the turn: the baseline

  remote.write("tv/Show/S01E02.mkv", "two");
  b->poll();  // b took the turn over and queued E02
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"created /mnt/remote/tv/Show/S01E02.mkv"});

  host.clear_submitted();
  remote.write("tv/Show/S01E03.mkv", "three");
  a->poll();  // a has the turn again
  CHECK(host.logged("the stored listing of " + remote.path().string() +
                    " was saved by another instance since this one last polled"));
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"created /mnt/remote/tv/Show/S01E03.mkv"});

  host.clear_submitted();
  const auto resumed = host.logs().size();
  a->poll();  // its own listing is the stored one: not read again
  CHECK(host.submitted().empty());
  CHECK(host.logs().size() == resumed);
}

TEST_CASE("when the events cannot be queued the baseline stays and the next poll reports them",
          "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  RecordingHost host;
  auto source = poller(remote, host);
  source->poll();
  const auto baseline = host.stored();

  remote.write("tv/Show/S01E02.mkv", "two");
  host.fail_submits(true);
  CHECK(source->poll() == 90s);
  CHECK(host.logged("could not queue 1 change of " + remote.path().string() +
                    ": keeping the previous listing, they are found again next poll"));
  CHECK(host.stored() == baseline);

  host.fail_submits(false);
  source->poll();
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"created /mnt/remote/tv/Show/S01E02.mkv"});
  CHECK(host.stored() != baseline);
}

TEST_CASE("a poll finding most of the remote gone is held, not queued, until it is allowed",
          "[rclone]") {
  PolledEpisodes twenty(20);
  auto& [remote, host, source] = twenty;
  const auto baseline = host.stored();

  remove_episodes(remote, 15);  // 75% gone: a mount failure, as far as anyone can tell
  remote.write("tv/Show/new.mkv", "n");
  CHECK(source->poll() == 90s);
  CHECK(source->poll() == 90s);
  CHECK(host.submitted().empty());
  CHECK(host.stored() == baseline);
  CHECK(warnings(host) == 1);
  CHECK(host.logged("holding the changes of " + remote.path().string() +
                    ": 15 of its 20 files are gone since the last listing, more than "
                    "max_deleted_percent = 50%"));

  // The user says the deletions are real: the restarted poller reports them.
  auto allowed = poller(remote, host, "100");
  allowed->poll();
  CHECK(host.submitted().size() == 16);  // 15 deleted, 1 created
  CHECK(host.stored() != baseline);
}

TEST_CASE("a held poll ends when the files are back: polling resumes without a restart",
          "[rclone]") {
  PolledEpisodes twenty(20);
  auto& [remote, host, source] = twenty;
  remove_episodes(remote, 15);
  source->poll();
  CHECK(host.submitted().empty());

  write_episodes(remote, 15);  // the mount is back (the files rewritten: modified)
  source->poll();
  CHECK(host.logged("the listing of " + remote.path().string() +
                    " is within max_deleted_percent again: polling resumes"));
  CHECK(host.submitted().size() == 15);
  for (const auto& event : host.submitted()) CHECK(event.kind == EventKind::modified);
}

TEST_CASE("deletions within max_deleted_percent, or fewer than ten, are queued", "[rclone]") {
  PolledEpisodes twenty(20);
  auto& [remote, host, source] = twenty;
  remove_episodes(remote, 10);  // 50%: not more than the limit
  source->poll();
  CHECK(host.submitted().size() == 10);

  PolledEpisodes nine(9);
  remove_episodes(nine.remote, 9);  // all of it, but only nine files
  nine.source->poll();
  CHECK(nine.host.submitted().size() == 9);
  CHECK(warnings(nine.host) == 0);
}

TEST_CASE("rclone down: the poller logs once, backs off, and keeps its baseline", "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/Show/S01E01.mkv", "one");
  RecordingHost host;
  const std::string url = remote.url();
  auto source = poller(remote, host);
  source->poll();
  const auto baseline = host.stored();
  remote.stop_rclone();

  CHECK(source->poll() == 5s);
  CHECK(source->poll() == 10s);
  CHECK(source->poll() == 20s);
  CHECK(warnings(host) == 1);
  CHECK(host.logged("cannot list " + remote.path().string() + ": rclone at " + url +
                    " did not answer: "));
  CHECK(host.stored() == baseline);
  CHECK(host.submitted().empty());
}

TEST_CASE("rclone without --rc-no-auth or credentials: the poller says what to set", "[rclone]") {
  RcloneRemote remote(RcloneRemote::Serving::listings, {}, {});  // no --rc-no-auth
  RecordingHost host;
  auto source = poller(remote, host);
  CHECK(source->poll() == 5s);
  CHECK(host.logged(
      "cannot list " + remote.path().string() +
      ": rclone refused the call (HTTP 403: authentication must be set up on the rc server to use "
      "\"operations/list\" or the --rc-no-auth flag must be in use): set username and password "
      "here and --rc-user/--rc-pass on rclone, or start rclone with --rc-no-auth"));
}

TEST_CASE("polling with --rc-user/--rc-pass credentials lists the remote", "[rclone]") {
  RcloneRemote remote(RcloneRemote::Serving::listings, {},
                      {"--rc-user", "scan", "--rc-pass", "s3cret"});
  remote.write("a.mkv", "a");
  RecordingHost host;
  auto source = make<PollingSource>("rclone", Role::source,
                                    {{"url", remote.url()},
                                     {"remote", remote.path().string()},
                                     {"username", "scan"},
                                     {"password", "s3cret"}},
                                    host);
  CHECK(source->poll() == 5min);
  remote.write("b.mkv", "b");
  source->poll();
  CHECK(described(host.submitted()) == std::vector<std::string>{"created /b.mkv"});
}

TEST_CASE("a listing that could not be stored is stored whole by the next poll", "[rclone]") {
  RcloneRemote remote;
  remote.write("tv/A/1.mkv", "1");
  RecordingHost host;
  auto source = poller(remote, host);
  source->poll();

  remote.write("tv/B/2.mkv", "2");
  host.fail_stores(true);
  source->poll();
  CHECK(described(host.submitted()) == std::vector<std::string>{"created /mnt/remote/tv/B/2.mkv"});
  CHECK(host.logged("could not store the listing of " + remote.path().string()));
  CHECK(host.stored().at("listing/summary") == "1 1\n" + remote.path().string());

  host.fail_stores(false);
  host.clear_submitted();
  remote.write("movies/C/3.mkv", "3");
  source->poll();
  CHECK(described(host.submitted()) ==
        std::vector<std::string>{"created /mnt/remote/movies/C/3.mkv"});
  CHECK(host.stored().at("listing/summary") == "1 3\n" + remote.path().string());

  host.clear_submitted();
  poller(remote, host)->poll();  // a restart finds all three stored
  CHECK(host.submitted().empty());
}

TEST_CASE("a remote rclone cannot list is logged with rclone's reason, and nothing is recorded",
          "[rclone]") {
  RcloneRemote remote;
  RecordingHost host;
  const std::string missing = (remote.path() / "not-there").string();
  auto source = make<PollingSource>("rclone", Role::source,
                                    {{"url", remote.url()}, {"remote", missing}}, host);
  CHECK(source->poll() == 5s);
  CHECK(host.logged("cannot list " + missing +
                    ": rclone answered HTTP 404 on POST /operations/list: error in ListJSON: "
                    "directory not found"));
  CHECK(host.stored().empty());
}
