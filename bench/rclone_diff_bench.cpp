// Measures the rclone polling source's work on a 100,000-file remote with 1%
// of the files changed: the diff alone (the budget: < 1 s), and one whole
// poll (read rclone's JSON answer, sort, diff, store the changed buckets).
// Prints the median of several runs and the peak RSS. See bench/README.md.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "listing.hpp"
#include "listing_diff.hpp"
#include "listing_parser.hpp"
#include "listing_store.hpp"
#include "scanhook/host.hpp"

namespace {

using scanhook::EventKind;
using scanhook::ScanEvent;
using scanhook::rclone::FileEntry;
using scanhook::rclone::Listing;
using scanhook::rclone::ListingStore;

constexpr std::size_t kFiles = 100000;
constexpr std::size_t kChanged = kFiles / 100;
constexpr int kRuns = 7;
constexpr std::int64_t kBaseTime = 1709288430LL * 1000000000LL;

// The key/value store in memory, as the core's SQLite table would hold it.
class MemoryHost final : public scanhook::Host {
 public:
  void log(scanhook::LogLevel, const std::string&) noexcept override {}
  bool submit(const std::vector<ScanEvent>&) noexcept override { return true; }
  std::optional<std::string> load(const std::string& key) noexcept override {
    const auto it = store_.find(key);
    return it == store_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::vector<std::string> keys(const std::string& prefix) noexcept override {
    std::vector<std::string> found;
    for (auto it = store_.lower_bound(prefix);
         it != store_.end() && it->first.rfind(prefix, 0) == 0; ++it)
      found.push_back(it->first);
    return found;
  }
  bool store_all(const std::vector<scanhook::KeyValueChange>& changes) noexcept override {
    for (const auto& [key, value] : changes) {
      if (value)
        store_[key] = *value;
      else
        store_.erase(key);
    }
    return true;
  }

 private:
  std::map<std::string, std::string> store_;
};

// "TV/Show 0042 (2019)/Season 03/Show 0042 (2019) - S03E07.mkv": 400 shows
// of 10 seasons of 25 episodes.
std::string episode_path(std::size_t i) {
  char path[96];
  const std::size_t show = i / 250;
  const std::size_t season = i / 25 % 10 + 1;
  const std::size_t episode = i % 25 + 1;
  std::snprintf(path, sizeof path,
                "TV/Show %04zu (2019)/Season %02zu/Show %04zu (2019) - S%02zuE%02zu.mkv", show,
                season, show, season, episode);
  return path;
}

// The remote before, or after 1% of it changed: every 100th file, in turn
// modified (size + 1), deleted, or joined by a new episode.
Listing make_listing(bool changed) {
  Listing listing;
  listing.reserve(kFiles + kChanged, (kFiles + kChanged) * 64);
  for (std::size_t i = 0; i < kFiles; ++i) {
    std::int64_t size = 1000000000 + static_cast<std::int64_t>(i);
    const std::int64_t mod_time = kBaseTime + static_cast<std::int64_t>(i);
    const bool picked = changed && i % 100 == 0;
    if (picked && i / 100 % 3 == 1) continue;
    if (picked && i / 100 % 3 == 0) size += 1;
    listing.add(episode_path(i), size, mod_time);
    if (picked && i / 100 % 3 == 2) listing.add(episode_path(kFiles + i), 42, kBaseTime);
  }
  listing.sort();
  return listing;
}

// rclone's answer for a listing as it sends it: pretty-printed with tabs.
std::string rclone_answer(const Listing& listing) {
  std::string json = "{\n\t\"list\": [\n";
  json.reserve(listing.size() * 230);
  char line[512];
  for (std::size_t i = 0; i < listing.size(); ++i) {
    const FileEntry file = listing[i];
    const std::string path(file.path);
    const auto name = path.substr(path.rfind('/') + 1);
    const std::int64_t ns = file.mod_time_ns % 1000000000;
    const auto seconds = static_cast<std::time_t>(file.mod_time_ns / 1000000000);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", std::gmtime(&seconds));
    std::snprintf(line, sizeof line,
                  "\t\t{\n\t\t\t\"Path\": \"%s\",\n\t\t\t\"Name\": \"%s\",\n\t\t\t\"Size\": %lld,\n"
                  "\t\t\t\"ModTime\": \"%s.%09lldZ\",\n\t\t\t\"IsDir\": false\n\t\t}%s\n",
                  path.c_str(), name.c_str(), static_cast<long long>(file.size), stamp,
                  static_cast<long long>(ns), i + 1 < listing.size() ? "," : "");
    json += line;
  }
  return json + "\t]\n}\n";
}

double median_ms(std::vector<double> runs) {
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

template <class F>
std::vector<double> time_runs(F&& run) {
  std::vector<double> runs;
  for (int i = 0; i < kRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    runs.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  return runs;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// What the poller does with a diff: one ScanEvent per change, and the buckets to rewrite.
std::size_t diff_to_events(const Listing& before, const Listing& after,
                           std::set<std::uint32_t>& buckets) {
  std::vector<ScanEvent> events;
  scanhook::rclone::diff_listings(before, after, [&](const FileEntry& entry, EventKind kind) {
    events.push_back({"/mnt/remote/" + std::string(entry.path), true, kind, 0});
    buckets.insert(ListingStore::bucket_of(entry.path));
  });
  return events.size();
}

}  // namespace

int main() {
  const Listing before = make_listing(false);
  const Listing after = make_listing(true);

  std::size_t changes = 0;
  const auto diff_runs = time_runs([&] {
    std::set<std::uint32_t> buckets;
    changes = diff_to_events(before, after, buckets);
  });
  std::printf("files before %zu, after %zu, changes %zu\n", before.size(), after.size(), changes);
  std::printf("diff + events (median of %d): %.2f ms\n", kRuns, median_ms(diff_runs));
  std::printf("peak RSS after the diff: %.1f MiB\n", peak_rss_kib() / 1024.0);

  // One whole poll: the baseline is in the store, rclone's answer arrives.
  MemoryHost host;
  ListingStore store(host);
  store.save_all(before, "gdrive:Media");
  const std::string answer = rclone_answer(after);
  std::printf("rclone answer: %.1f MiB of JSON\n", answer.size() / 1048576.0);

  const auto poll_runs = time_runs([&] {
    scanhook::rclone::UntimedFiles untimed;
    Listing now = scanhook::rclone::parse_listing(answer, untimed);
    now.sort();
    std::set<std::uint32_t> buckets;
    diff_to_events(before, now, buckets);
    store.save_buckets(before, "gdrive:Media",
                       buckets);  // keeps the stored baseline for the next run
  });
  std::printf("whole poll: parse + sort + diff + store (median of %d): %.2f ms\n", kRuns,
              median_ms(poll_runs));
  const auto load_runs = time_runs([&] { store.load("gdrive:Media"); });
  std::printf("restart: load the stored listing (median of %d): %.2f ms\n", kRuns,
              median_ms(load_runs));
  std::printf("peak RSS overall: %.1f MiB\n", peak_rss_kib() / 1024.0);
  return median_ms(diff_runs) < 1000.0 ? 0 : 1;
}
