// The fault soak (issue #14): the real scanhookd under steady webhook load
// from four *arr sources while everything around it fails, then a check that
// nothing it acknowledged was lost. Loopback only, bounded in time.
//
// Faults, over the first 85% of the run (then at least 30 s to recover):
//   - scanhookd SIGKILLed about every minute (at 20 s, then 40-80 s apart) and restarted;
//   - Plex answers 401 (a wrong token) for a stretch, then accepts it again;
//   - Emby answers 500, then 503 with Retry-After: 2, 20 s of each minute;
//   - Jellyfin times out (3 s answers, timeout 1 s), then answers slowly (400 ms);
//   - the database's disk (a 64 MiB tmpfs, needs root) is full for a stretch;
//   - a second Jellyfin never fails: it must see each folder exactly once.
// Each webhook adds a folder of its own, so every folder must reach every
// target exactly once in the end (a failing target may see one twice: a scan
// that timed out on our side may have run on its side; and a kill between a
// scan and its acknowledgement makes the next daemon send it again).
//
// Usage: soak [--minutes N] [--rate R]   (N: 1 to 15, default 15; R: webhooks
// per second per source, default 2). Exit code 0 when nothing acknowledged was
// lost, every folder reached every target and the healthy target saw no
// duplicate; 1 otherwise; 2 when it cannot run (no root for the tmpfs).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_emby.hpp"
#include "fakes/fake_jellyfin.hpp"
#include "fakes/fake_plex.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using scanhook::fakes::FakeEmby;
using scanhook::fakes::FakeJellyfin;
using scanhook::fakes::FakeLibrary;
using scanhook::fakes::FakePlex;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;

const std::string kPlexToken = "plex-token-soak";
const std::string kJellyfinKey = "jellyfin-key-soak";
const std::string kEmbyKey = "emby-key-soak";
const std::string kHookToken = "hook-token-soak";

// One *arr app: its recorded Download webhook (tests/data), the root folder it
// names, and the folder under that root that a scan covers. Webhook n renames
// the root "<root> n", so each webhook is a folder of its own.
struct Source {
  std::string name;
  std::string fixture;
  std::string root;
  std::string folder_under_root;
};

const std::vector<Source> kSources = {
    {"sonarr", "sonarr/v4/download.json", "/tv/Severance", "/Season 02"},
    {"radarr", "radarr/v4/download.json", "/movies/Oppenheimer (2023)", ""},
    {"lidarr", "lidarr/v2/download.json", "/music/Radiohead", "/In Rainbows (2007)"},
    {"readarr", "readarr/v0.3/download.json", "/books/Ursula K. Le Guin",
     "/The Dispossessed (1974)"},
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

struct Sample {
  long rss_kib = 0;
  long fds = 0;
};

Sample sample(pid_t pid) {
  Sample result;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) result.rss_kib = std::atol(line.c_str() + 6);
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(fd_dir, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++result.fds;
  return result;
}

// The daemon, restarted after each kill; posters read its current address.
class Supervisor {
 public:
  Supervisor(std::filesystem::path dir, std::string ini)
      : dir_(std::move(dir)), ini_(std::move(ini)) {
    start();
  }

  std::string url() const {
    std::lock_guard lock(mutex_);
    return url_;
  }
  pid_t pid() const {
    std::lock_guard lock(mutex_);
    return daemon_ ? daemon_->pid() : -1;
  }
  int kills() const { return kills_; }
  int restarts() const { return restarts_; }
  std::string output() const {
    std::lock_guard lock(mutex_);
    return logs_ + (daemon_ ? daemon_->output() : "");
  }

  // SIGKILL, then a new daemon on the same files (it may fail to start while
  // the disk is full: 74; it is tried again until it listens).
  void kill_and_restart() {
    {
      std::lock_guard lock(mutex_);
      url_.clear();
      daemon_->send_signal(SIGKILL);
      daemon_->wait_for_exit();
      logs_ += daemon_->output();
      daemon_.reset();
    }
    ++kills_;
    start();
  }

 private:
  void start() {
    for (int attempt = 1;; ++attempt) {
      auto daemon = std::make_unique<DaemonProcess>(dir_, ini_);
      if (daemon->wait_until_listening(60s)) {
        std::lock_guard lock(mutex_);
        url_ = daemon->url();
        daemon_ = std::move(daemon);
        ++restarts_;
        return;
      }
      std::lock_guard lock(mutex_);
      logs_ += daemon->output();
      if (attempt == 30) throw std::runtime_error("scanhookd does not start:\n" + logs_);
      std::this_thread::sleep_for(1s);
    }
  }

  std::filesystem::path dir_;
  std::string ini_;
  mutable std::mutex mutex_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string url_;
  std::string logs_;
  std::atomic<int> kills_{0};
  std::atomic<int> restarts_{0};
};

struct Tally {
  std::mutex mutex;
  std::set<std::string> acknowledged;  // folders whose webhook got a 2xx
  std::map<int, int> refused;          // status (0: no answer) -> count
  int posted = 0;
};

void post_steadily(const Source& source, const std::string& body_template, double rate,
                   Clock::time_point until, Supervisor& daemon, Tally& tally,
                   std::atomic<int>& counter) {
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  auto next = Clock::now();
  while (next < until) {
    std::this_thread::sleep_until(next);
    next += period;
    const int n = ++counter;
    const std::string root = source.root + " " + std::to_string(n);
    const std::string body = replace_all(body_template, source.root, root);
    const std::string url = daemon.url();
    int status = 0;
    if (!url.empty())
      status =
          DaemonClient(url)
              .post("/triggers/" + source.name + "?token=" + kHookToken, body, "application/json")
              .status;
    std::lock_guard lock(tally.mutex);
    ++tally.posted;
    if (status >= 200 && status < 300)
      tally.acknowledged.insert(root + source.folder_under_root);
    else
      ++tally.refused[status];
  }
}

std::string ini_for(const std::filesystem::path& database, const FakePlex& plex,
                    const FakeEmby& emby, const FakeJellyfin& jellyfin,
                    const FakeJellyfin& healthy) {
  std::string ini =
      "[server]\nlisten = 127.0.0.1:0\naccess_log = false\ndatabase = " + database.string() +
      "\n[queue]\nminimum_age = 1s\nidle_interval = 100ms\nretry_initial = 500ms\n"
      "retry_max = 5s\nprobe_interval = 1s\n";
  for (const auto& source : kSources)
    ini += "[source." + source.name + "]\ntoken = " + kHookToken + "\n";
  ini += "[target.plex]\nurl = " + plex.url() + "\ntoken = " + kPlexToken +
         "\n[target.emby]\nplugin = emby\nurl = " + emby.url() + "/emby\ntoken = " + kEmbyKey +
         "\n[target.jellyfin]\nurl = " + jellyfin.url() + "\ntoken = " + kJellyfinKey +
         "\ntimeout = 1s\n[target.healthy]\nplugin = jellyfin\nurl = " + healthy.url() +
         "\ntoken = " + kJellyfinKey + "\n";
  return ini;
}

// Folders each target was sent, with how many times.
std::map<std::string, int> counted(const std::vector<std::string>& folders) {
  std::map<std::string, int> counts;
  for (const auto& folder : folders) ++counts[folder];
  return counts;
}

std::vector<std::string> media_browser_folders(const scanhook::fakes::FakeMediaBrowser& server) {
  std::vector<std::string> folders;
  for (const auto& call : server.media_updates())
    for (const auto& update : call) folders.push_back(update.path);
  return folders;
}

std::vector<std::string> plex_folders(const FakePlex& plex) {
  std::vector<std::string> folders;
  for (const auto& refresh : plex.refreshes()) folders.push_back(refresh.path);
  return folders;
}

}  // namespace

int main(int argc, char** argv) {
  int minutes = 15;
  double rate = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--minutes")
      minutes = std::atoi(argv[i + 1]);
    else if (option == "--rate")
      rate = std::atof(argv[i + 1]);
    else {
      std::cerr << "soak: unknown option " << option << " (--minutes N, --rate R)\n";
      return 2;
    }
  }
  if (argc % 2 == 0 || minutes < 1 || minutes > 15 || rate <= 0 || rate > 50) {
    std::cerr << "usage: soak [--minutes 1..15] [--rate webhooks-per-second-per-source]\n";
    return 2;
  }

  scanhook::testing::TempDir dir("scanhook-soak");
  scanhook::testing::TmpfsMount disk(64 << 20);
  if (!disk.available()) {
    std::cerr << "soak: " << disk.why_unavailable() << "\n";
    return 2;
  }
  const std::vector<FakeLibrary> plex_sections = {{"1", "TV", "show", {"/tv"}},
                                                  {"2", "Films", "movie", {"/movies"}},
                                                  {"3", "Music", "artist", {"/music"}},
                                                  {"4", "Books", "artist", {"/books"}}};
  const std::vector<FakeLibrary> libraries = {{"11", "TV", "tvshows", {"/tv"}},
                                              {"12", "Films", "movies", {"/movies"}},
                                              {"13", "Music", "music", {"/music"}},
                                              {"14", "Books", "books", {"/books"}}};
  FakePlex plex(kPlexToken);
  plex.set_sections(plex_sections);
  FakeEmby emby(kEmbyKey);
  emby.set_libraries(libraries);
  FakeJellyfin jellyfin(kJellyfinKey);
  jellyfin.set_libraries(libraries);
  FakeJellyfin healthy(kJellyfinKey);
  healthy.set_libraries(libraries);

  const auto total = std::chrono::seconds(minutes * 60);
  const auto faults = std::chrono::duration_cast<std::chrono::seconds>(total * 85 / 100);
  const auto started = Clock::now();
  const auto faults_end = started + faults;
  Supervisor daemon(dir.path(),
                    ini_for(disk.path() / "scanhook.db", plex, emby, jellyfin, healthy));
  const Sample first = sample(daemon.pid());
  std::cout << "soak: " << minutes << " min, " << rate << " webhooks/s from each of "
            << kSources.size() << " sources; faults for " << faults.count() << " s" << std::endl;

  Tally tally;
  std::atomic<int> counter{0};
  std::vector<std::thread> posters;
  for (const auto& source : kSources)
    posters.emplace_back(post_steadily, std::cref(source),
                         scanhook::testing::read_test_data(source.fixture), rate, faults_end,
                         std::ref(daemon), std::ref(tally), std::ref(counter));

  // The faults, second by second.
  std::mt19937 random(20261130);
  std::uniform_int_distribution<int> kill_gap(40, 80);
  auto next_kill = started + 20s;  // the first early, so a one-minute run has one too
  const auto span = [&](double from, double to) {
    const auto now = Clock::now();
    return now >= started + faults * from && now < started + faults * to;
  };
  Sample before_kill_max;
  std::vector<long> kill_times;    // seconds from the start
  std::vector<long> restarted_at;  // when the daemon after each kill listened, ms from the start
  int disk_full_seconds = 0;
  long disk_full_at = -1;
  bool disk_full = false;
  while (Clock::now() < faults_end) {
    const auto second =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count() % 60;
    if (second < 10)
      emby.fail_with(500);
    else if (second < 20)
      emby.fail_with(503, 2);
    else
      emby.clear_failure();
    jellyfin.set_delay(second >= 25 && second < 35   ? 3000ms
                       : second >= 35 && second < 45 ? 400ms
                                                     : 0ms);
    plex.set_token(span(0.15, 0.35) ? "a-token-scanhook-does-not-have" : kPlexToken);
    const bool fill = span(0.55, 0.65);
    if (fill && !disk_full) {
      disk_full_at =
          std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
      disk.fill();
    }
    if (!fill && disk_full) disk.free_filler();
    disk_full = fill;
    disk_full_seconds += fill;
    // No kill around the disk-full stretch: a restart on a full disk fails (74) until it is freed.
    if (Clock::now() >= next_kill && !span(0.5, 0.7)) {
      const Sample now = sample(daemon.pid());
      before_kill_max.rss_kib = std::max(before_kill_max.rss_kib, now.rss_kib);
      before_kill_max.fds = std::max(before_kill_max.fds, now.fds);
      kill_times.push_back(
          std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count());
      daemon.kill_and_restart();
      restarted_at.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
      next_kill = Clock::now() + std::chrono::seconds(kill_gap(random));
    }
    std::this_thread::sleep_for(1s);
  }
  for (auto& poster : posters) poster.join();

  // Everything recovers; then wait (bounded) until each target has every folder.
  emby.clear_failure();
  jellyfin.set_delay(0ms);
  plex.set_token(kPlexToken);
  if (disk_full) disk.free_filler();
  const auto deadline = faults_end + std::max<Clock::duration>(total - faults, 30s);
  const auto missing_from = [&](const std::vector<std::string>& delivered) {
    const auto got = counted(delivered);
    std::size_t missing = 0;
    for (const auto& folder : tally.acknowledged) missing += got.count(folder) == 0;
    return missing;
  };
  const auto all_delivered = [&] {
    return missing_from(plex_folders(plex)) + missing_from(media_browser_folders(emby)) +
               missing_from(media_browser_folders(jellyfin)) +
               missing_from(media_browser_folders(healthy)) ==
           0;
  };
  while (Clock::now() < deadline && !all_delivered()) std::this_thread::sleep_for(1s);
  const auto drained = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - faults_end);
  std::this_thread::sleep_for(3s);  // a late duplicate would show now
  const Sample last = sample(daemon.pid());

  // Figures.
  struct TargetFigures {
    std::string name;
    std::vector<std::string> folders;
  };
  const std::vector<TargetFigures> targets = {
      {"plex (401 for a while)", plex_folders(plex)},
      {"emby (500, 503 + Retry-After)", media_browser_folders(emby)},
      {"jellyfin (timeouts, slow)", media_browser_folders(jellyfin)},
      {"healthy (a second Jellyfin)", media_browser_folders(healthy)}};
  std::size_t lost = 0;  // acknowledged, and missing from at least one target
  for (const auto& folder : tally.acknowledged) {
    bool everywhere = true;
    for (const auto& target : targets)
      everywhere =
          everywhere && std::count(target.folders.begin(), target.folders.end(), folder) > 0;
    lost += !everywhere;
  }
  std::cout << "webhooks posted " << tally.posted << ", acknowledged (2xx) "
            << tally.acknowledged.size() << ", refused:";
  for (const auto& [status, count] : tally.refused)
    std::cout << " " << (status == 0 ? std::string("no answer") : std::to_string(status)) << " x"
              << count;
  std::cout << "\nkills " << daemon.kills() << " (at";
  for (const long at : kill_times) std::cout << " " << at << " s";
  std::cout << "), disk full " << disk_full_seconds << " s from " << disk_full_at
            << " s, recovered " << drained.count() << " s after the faults stopped\n";
  std::cout << "acknowledged folders lost (missing from any target): " << lost << "\n";
  for (const auto& target : targets) {
    const auto counts = counted(target.folders);
    std::size_t twice = 0, unexpected = 0;
    for (const auto& [folder, count] : counts) {
      twice += count > 1;
      unexpected += tally.acknowledged.count(folder) == 0;
    }
    std::cout << "  " << target.name << ": " << counts.size() << " folders, missing "
              << missing_from(target.folders) << ", sent more than once " << twice
              << ", not acknowledged to a source " << unexpected << "\n";
  }
  std::cout << "scanhookd RSS " << first.rss_kib << " KiB at start, " << before_kill_max.rss_kib
            << " KiB most before a kill, " << last.rss_kib << " KiB at the end; open fds "
            << first.fds << " / " << before_kill_max.fds << " / " << last.fds << "\n";
  // A folder the healthy target got twice is a duplicate unless the two came
  // from two daemons: killed between a scan and its acknowledgement, the next
  // one sends it again (at least once, by design).
  const auto calls = healthy.media_updates();
  const auto requests = healthy.requests_to("POST", "/Library/Media/Updated");
  std::map<std::string, std::vector<long>> sent_at;
  for (std::size_t i = 0; i < calls.size() && i < requests.size(); ++i)
    for (const auto& update : calls[i])
      sent_at[update.path].push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(requests[i].received - started)
              .count());
  std::size_t duplicates = 0, resent_after_kill = 0;
  for (const auto& [folder, times] : sent_at) {
    for (std::size_t i = 1; i < times.size(); ++i) {
      const bool across_restart =
          std::any_of(restarted_at.begin(), restarted_at.end(),
                      [&](long at) { return times[i - 1] < at && at <= times[i]; });
      (across_restart ? resent_after_kill : duplicates) += 1;
      if (!across_restart)
        std::cout << "  duplicate: healthy got " << folder << " at " << times[i - 1] / 1000.0
                  << " s and " << times[i] / 1000.0 << " s\n";
    }
  }
  std::cout << "healthy target: " << duplicates << " duplicate scans, " << resent_after_kill
            << " resent by the next daemon after a kill\n";
  const bool passed = lost == 0 && duplicates == 0;
  std::cout << (passed ? "PASS" : "FAIL") << std::endl;
  if (!passed) std::cerr << daemon.output().substr(0, 20000);
  return passed ? 0 : 1;
}
