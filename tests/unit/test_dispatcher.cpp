#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <utility>

#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/ingest.hpp"
#include "support/scripted_target.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::Result;
using scanhook::Stage;
using scanhook::testing::ScriptedTarget;
using scanhook::testing::TempDir;
using scanhook::testing::TmpfsMount;
using std::chrono::milliseconds;

namespace {

// A queue on `Backend`'s store (store_backends.hpp), its ingest and a
// dispatcher over in-process targets, fast intervals.
template <class Backend>
struct Rig {
  explicit Rig(std::vector<std::pair<std::string, std::shared_ptr<ScriptedTarget>>> named,
               DispatchSettings settings = fast(), std::vector<bool> required = {},
               milliseconds scan_delay = milliseconds(0))
      : store(backend.open()), queue(store->queue()) {
    std::vector<TargetRules> rules;
    std::vector<TargetSlot> slots;
    for (std::size_t i = 0; i < named.size(); ++i) {
      rules.push_back({named[i].first, {}, false});
      slots.push_back({named[i].first, named[i].second, scan_delay,
                       i < required.size() ? required[i] : true, ""});
    }
    intake = std::make_unique<Intake>(std::vector<SourceRules>{}, rules);
    dispatcher = std::make_unique<Dispatcher>(queue, *intake, slots, settings, metrics);
    ingest = std::make_unique<Ingest>(queue, [this] { dispatcher->wake(); });
  }
  ~Rig() { dispatcher->stop(); }

  static DispatchSettings fast() {
    DispatchSettings s;
    s.backoff = {milliseconds(20), milliseconds(100)};
    s.probe_interval = milliseconds(20);
    s.idle_interval = milliseconds(20);
    return s;
  }
  void add(const std::string& folder) {
    std::vector<std::string> all;
    for (const auto& t : intake->targets()) all.push_back(t.name);
    REQUIRE(ingest->submit({{folder, EventKind::modified, 0, "s", all}}).committed);
  }
  // The counters move just after the queue row is acknowledged.
  template <class Predicate>
  static bool eventually(Predicate predicate, int timeout_ms = 5000) {
    for (int waited = 0; waited < timeout_ms; waited += 5) {
      if (predicate()) return true;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return false;
  }

  bool wait_until_empty(int timeout_ms = 5000) {
    for (int waited = 0; waited < timeout_ms; waited += 5) {
      if (queue.folder_count() == 0) return true;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return false;
  }

  Backend backend;
  std::unique_ptr<Store> store;
  QueueStore& queue;
  Metrics metrics;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Ingest> ingest;
};

// SQLite on a 1 MiB tmpfs that a test fills (mounting needs root).
struct SmallDiskBackend {
  TmpfsMount disk{1 << 20};
  std::unique_ptr<Store> open() {
    StoreSettings settings;
    settings.database = (disk.path() / "db").string();
    return open_store(settings);
  }
};

}  // namespace

STORE_TEST("each due folder reaches each target once, in batches of at most its max_batch",
           "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>(Stage::scan, 2);
  auto emby = std::make_shared<ScriptedTarget>(Stage::scan, 10);
  Rig<Backend> rig({{"plex", plex}, {"emby", emby}});
  for (int i = 0; i < 5; ++i) rig.add("/tv/" + std::to_string(i));
  rig.dispatcher->start();
  REQUIRE(rig.wait_until_empty());
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const std::vector<std::string> all{"/tv/0", "/tv/1", "/tv/2", "/tv/3", "/tv/4"};
  CHECK(sorted(plex->scanned()) == all);
  CHECK(sorted(emby->scanned()) == all);
  CHECK(plex->batch_sizes() == std::vector<std::size_t>{2, 2, 1});
  CHECK(emby->batch_sizes() == std::vector<std::size_t>{5});
  CHECK(rig.queue.history(100, 0).size() == 10);
  auto& delivered =
      rig.metrics.counter("scanhook_deliveries_total", "", {{"target", "plex"}, {"outcome", "ok"}});
  CHECK(Rig<Backend>::eventually([&] { return delivered.value() >= 5; }));
  CHECK(delivered.value() == 5);
}

STORE_TEST("a retry answer backs off and delivers later", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::retry("503"), Result::retry("503")});
  Rig<Backend> rig({{"plex", plex}});
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(rig.wait_until_empty());
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A", "/tv/A", "/tv/A"});
  const auto history = rig.queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].outcome == "ok");
  CHECK(history[0].attempts == 3);
}

STORE_TEST("an unavailable target is paused, probed, and resumes, and others are not delayed",
           "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  auto emby = std::make_shared<ScriptedTarget>();
  plex->answer({Result::unavailable("connection refused")});
  plex->set_probe(Result::unavailable("connection refused"));
  Rig<Backend> rig({{"plex", plex}, {"emby", emby}});
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(emby->wait_for_scans(1));
  for (int i = 0; i < 200 && plex->probes() < 2; ++i) std::this_thread::sleep_for(milliseconds(5));
  CHECK(plex->probes() >= 2);
  const auto states = rig.dispatcher->states();
  CHECK(states[0].paused);
  CHECK(states[0].last_error == "connection refused");
  CHECK(states[0].queued == 1);
  CHECK(rig.queue.folder_count() == 1);
  plex->set_probe(Result::ok());
  REQUIRE(rig.wait_until_empty());
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A", "/tv/A"});
  CHECK(emby->scanned() == std::vector<std::string>{"/tv/A"});
  CHECK_FALSE(rig.dispatcher->states()[0].paused);
}

STORE_TEST("a rejected folder is not retried and its reason is in the history", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::rejected("no library holds /tv/A")});
  Rig<Backend> rig({{"plex", plex}});
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(rig.wait_until_empty());
  std::this_thread::sleep_for(milliseconds(60));
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A"});
  CHECK(rig.queue.history(10, 0)[0].reason == "no library holds /tv/A");
}

STORE_TEST("prepare-stage targets finish a folder before scan-stage targets start it",
           "[dispatcher]") {
  auto rclone = std::make_shared<ScriptedTarget>(Stage::prepare);
  auto plex = std::make_shared<ScriptedTarget>(Stage::scan);
  std::vector<std::string> order;
  std::mutex order_mutex;
  rclone->on_scan([&] {
    std::lock_guard lock(order_mutex);
    order.push_back("rclone");
  });
  plex->on_scan([&] {
    std::lock_guard lock(order_mutex);
    order.push_back("plex");
  });
  rclone->answer({Result::retry("busy")});
  Rig<Backend> rig({{"plex", plex}, {"rclone", rclone}});
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(rig.wait_until_empty());
  CHECK(order == std::vector<std::string>{"rclone", "rclone", "plex"});
}

STORE_TEST("an event during an in-flight delivery is delivered again afterwards", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  Rig<Backend>* rig_ptr = nullptr;
  bool first = true;
  plex->on_scan([&] {
    if (!first) return;
    first = false;
    rig_ptr->add("/tv/A");  // the same folder changes while it is being scanned
  });
  Rig<Backend> rig({{"plex", plex}});
  rig_ptr = &rig;
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(plex->wait_for_scans(2));
  REQUIRE(rig.wait_until_empty());
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A", "/tv/A"});
}

STORE_TEST("a missing anchor stops dispatching and says why", "[dispatcher]") {
  TempDir mount;
  const auto anchor = (mount / ".mounted").string();
  auto plex = std::make_shared<ScriptedTarget>();
  DispatchSettings settings = Rig<Backend>::fast();
  settings.anchors = {anchor};
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.add("/tv/A");
  rig.dispatcher->start();
  for (int i = 0; i < 200 && rig.dispatcher->blocked_reason().empty(); ++i)
    std::this_thread::sleep_for(milliseconds(5));
  CHECK(rig.dispatcher->blocked_reason() ==
        "the anchor " + anchor + " is missing (is the media mount up?): nothing is dispatched");
  std::this_thread::sleep_for(milliseconds(60));
  CHECK(plex->scanned().empty());
  std::ofstream(anchor) << "";
  REQUIRE(rig.wait_until_empty());
  CHECK(rig.dispatcher->blocked_reason().empty());
}

STORE_TEST("scan_delay spaces out the scans of one target", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>(Stage::scan, 1);
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> scans;
  plex->on_scan([&] {
    std::lock_guard lock(mutex);
    scans.push_back(std::chrono::steady_clock::now());
  });
  Rig<Backend> rig({{"plex", plex}}, Rig<Backend>::fast(), {}, milliseconds(250));
  for (int i = 0; i < 3; ++i) rig.add("/tv/" + std::to_string(i));
  rig.dispatcher->start();
  REQUIRE(plex->wait_for_scans(3));
  std::lock_guard lock(mutex);
  REQUIRE(scans.size() == 3);
  CHECK(scans[1] - scans[0] >= milliseconds(250));
  CHECK(scans[2] - scans[1] >= milliseconds(250));
}

STORE_TEST("a target failing on server errors keeps its folders and says since when it fails",
           "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::retry("Plex answered HTTP 500"), Result::retry("Plex answered HTTP 500"),
                Result::unavailable("Plex answered HTTP 502"), Result::retry("x")});
  plex->set_probe(Result::unavailable("Plex answered HTTP 502"));
  Rig<Backend> rig({{"plex", plex}});
  rig.add("/tv/A");
  CHECK(rig.dispatcher->states()[0].failing_since == 0);
  const Millis before = now_millis();
  rig.dispatcher->start();
  REQUIRE(plex->wait_for_scans(3));
  REQUIRE(Rig<Backend>::eventually([&] { return plex->probes() >= 2; }));
  const auto failing = rig.dispatcher->states()[0];
  CHECK(failing.paused);
  CHECK(failing.queued == 1);
  CHECK(failing.failing_since >= before);
  CHECK(failing.failing_since <= now_millis());
  CHECK(rig.dispatcher->failing_since("plex") == failing.failing_since);
  CHECK(rig.queue.history(10, 0).empty());  // nothing rejected, nothing lost

  plex->set_probe(Result::ok());
  REQUIRE(rig.wait_until_empty());
  // The state moves just after the queue row is acknowledged.
  CHECK(Rig<Backend>::eventually([&] { return rig.dispatcher->states()[0].failing_since == 0; }));
  CHECK(rig.queue.history(10, 0).at(0).outcome == "ok");
}

STORE_TEST("a target's Retry-After sets its next attempt instead of the backoff", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::retry("Plex answered 503", std::chrono::seconds(30))});
  DispatchSettings settings = Rig<Backend>::fast();  // backoff from 20 ms
  settings.backoff.max = std::chrono::hours(1);
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.add("/tv/A");
  const Millis before = now_millis();
  rig.dispatcher->start();
  REQUIRE(plex->wait_for_scans(1));
  std::vector<QueuedFolder> listed;
  REQUIRE(Rig<Backend>::eventually([&] {
    listed = rig.queue.list(10, 0);
    return listed.size() == 1 && listed[0].deliveries.size() == 1 &&
           listed[0].deliveries[0].attempts == 1;
  }));
  CHECK(listed[0].deliveries[0].next_attempt >= before + 30'000);
  CHECK(listed[0].deliveries[0].next_attempt <= now_millis() + 30'000);
  std::this_thread::sleep_for(milliseconds(200));  // ten times the backoff: still not retried
  CHECK(plex->scanned().size() == 1);
}

STORE_TEST("a new event wakes an idle target at once, without waiting for idle_interval",
           "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  DispatchSettings settings = Rig<Backend>::fast();
  settings.idle_interval = std::chrono::seconds(30);
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.dispatcher->start();
  std::this_thread::sleep_for(milliseconds(200));  // the worker found nothing and sleeps
  rig.add("/tv/A");
  CHECK(plex->wait_for_scans(1, 5000));  // long before the 30 s idle_interval
}

// The scan happened; only its acknowledgement is missing. Picking the folder
// again would send the target the same folder every idle_interval for as long
// as the disk stays full (bench/soak found it: one folder dozens of times in 3 s).
TEST_CASE(
    "a result that cannot be written on a full disk is written later, the folder not scanned again",
    "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  Rig<SmallDiskBackend> rig({{"plex", plex}});
  TmpfsMount& disk = rig.backend.disk;
  if (!disk.available()) {
    WARN(disk.why_unavailable());
    return;
  }
  rig.add("/tv/Show");
  bool filled = false;
  plex->on_scan([&] {
    if (!std::exchange(filled, true)) disk.fill();
  });
  rig.dispatcher->start();
  REQUIRE(plex->wait_for_scans(1));
  std::this_thread::sleep_for(milliseconds(500));  // 25 idle intervals
  CHECK(plex->scanned().size() == 1);
  CHECK(rig.queue.folder_count() == 1);
  disk.free_filler();
  REQUIRE(rig.wait_until_empty());
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/Show"});
}
