// Coalescing: 10,000 file events over 1,000 folders, submitted by 64
// concurrent requests through the daemon's own path (Intake: file → folder,
// Ingest: group commit, Queue, Dispatcher), must become exactly 1,000 scans
// per target, each folder once. An anchor file that appears only after the
// last event holds the dispatcher, so the count does not depend on timing.
// Exits 1 on any other count. See bench/README.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/ingest.hpp"

namespace {

using namespace scanhook::core;
using Clock = std::chrono::steady_clock;

constexpr int kFolders = 1000, kFilesPerFolder = 10, kClients = 64;

// Counts each folder it is sent; answers ok.
class CountingTarget final : public scanhook::Target {
 public:
  scanhook::Stage stage() const noexcept override { return scanhook::Stage::scan; }
  std::size_t max_batch() const noexcept override { return 50; }
  std::vector<scanhook::Result> scan(
      const std::vector<scanhook::ScanFolder>& folders) noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& folder : folders) ++scans_[folder.path];
    total_ += folders.size();
    return std::vector<scanhook::Result>(folders.size(), scanhook::Result::ok());
  }
  scanhook::Result probe() noexcept override { return scanhook::Result::ok(); }
  scanhook::Explanation explain(const scanhook::ScanFolder&) noexcept override { return {}; }

  std::size_t total() const {
    std::lock_guard lock(mutex_);
    return total_;
  }
  // Folders scanned other than exactly once.
  std::size_t not_once() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        scans_.begin(), scans_.end(), [](const auto& entry) { return entry.second != 1; }));
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, int> scans_;
  std::size_t total_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir =
      std::filesystem::path(argc > 1 ? argv[1] : std::filesystem::temp_directory_path().string()) /
      "coalescing_bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto anchor = dir / "anchor";

  Database database(dir / "scanhook.db");
  Queue queue(database, std::chrono::milliseconds(0));
  const std::vector<std::string> names = {"plex", "jellyfin"};
  std::vector<std::shared_ptr<CountingTarget>> targets;
  std::vector<TargetRules> rules;
  std::vector<TargetSlot> slots;
  for (const auto& name : names) {
    targets.push_back(std::make_shared<CountingTarget>());
    rules.push_back({name, {}, false});
    slots.push_back({name, targets.back(), std::chrono::milliseconds(0), true, ""});
  }
  const Intake intake({}, rules);
  DispatchSettings settings;
  settings.idle_interval = std::chrono::milliseconds(5);
  settings.anchors = {anchor.string()};
  Metrics metrics;
  Dispatcher dispatcher(queue, intake, slots, settings, metrics);
  Ingest ingest(queue, [&] { dispatcher.wake(); });
  dispatcher.start();

  // Each request: one file event; file f of folder d arrives as event d + f * kFolders,
  // so every folder's events are spread over the whole run.
  const auto started = Clock::now();
  std::atomic<int> next{0}, refused{0};
  std::atomic<std::size_t> added{0}, merged{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&] {
      for (int i = next++; i < kFolders * kFilesPerFolder; i = next++) {
        const int folder = i % kFolders, file = i / kFolders;
        const std::string path = "/mnt/tv/Show " + std::to_string(folder) + "/Season 1/E" +
                                 std::to_string(file) + ".mkv";
        auto admitted = intake.admit("sonarr", {{path, true, scanhook::EventKind::created, 0}});
        if (!admitted) {
          ++refused;
          continue;
        }
        const auto receipt = wait_for_callback<IngestReceipt>([&](Ingest::Done done) {
          ingest.submit_async(std::move(admitted.value().events), std::move(done));
        });
        if (!receipt.committed) ++refused;
        added += receipt.added;
        merged += receipt.merged;
      }
    });
  for (auto& client : clients) client.join();
  const double ingest_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const auto queued = queue.folder_count();

  const auto released = Clock::now();
  std::ofstream(anchor) << "mounted\n";
  bool drained = false;
  for (int waited = 0; waited < 60000 && !drained; waited += 2) {
    drained = queue.folder_count() == 0;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double deliver_seconds = std::chrono::duration<double>(Clock::now() - released).count();
  dispatcher.stop();

  std::printf(
      "%d events over %d folders from %d clients: %.3f s to commit (%.0f events/s), "
      "%zu new rows, %zu merged, %lld queued\n",
      kFolders * kFilesPerFolder, kFolders, kClients, ingest_seconds,
      kFolders * kFilesPerFolder / ingest_seconds, added.load(), merged.load(),
      static_cast<long long>(queued));
  bool exact = refused == 0 && drained && queued == kFolders;
  for (std::size_t t = 0; t < targets.size(); ++t) {
    std::printf("target %-9s %zu scans, %zu folders not scanned exactly once\n", names[t].c_str(),
                targets[t]->total(), targets[t]->not_once());
    exact = exact && targets[t]->total() == kFolders && targets[t]->not_once() == 0;
  }
  std::printf("delivered to both targets in %.3f s; %s\n", deliver_seconds,
              exact ? "exact" : "WRONG COUNT");
  std::filesystem::remove_all(dir);
  return exact ? 0 : 1;
}
