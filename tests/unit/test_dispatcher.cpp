#include <catch2/catch.hpp>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <utility>

#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/ingest.hpp"
#include "support/blocking_ingest.hpp"
#include "support/manual_time.hpp"
#include "support/scripted_target.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::Result;
using scanhook::Stage;
using scanhook::testing::ManualTime;
using scanhook::testing::ScriptedTarget;
using scanhook::testing::submit_and_wait;
using scanhook::testing::TempDir;
using scanhook::testing::TmpfsMount;
using std::chrono::milliseconds;

namespace {

// A queue on `Backend`'s store (store_backends.hpp), its ingest and a
// dispatcher over in-process targets, on a clock the test moves: a test
// advances it and then settles (every target's thread has done what the new
// time asks and waits again) instead of sleeping.
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
    dispatcher =
        std::make_unique<Dispatcher>(queue, *intake, slots, settings, metrics, nullptr, clock);
    ingest = std::make_unique<Ingest>(
        queue,
        [this] {
          dispatcher->wake();
          std::lock_guard lock(mutex);
          ++woken;
          woke.notify_all();
        },
        clock);
  }
  ~Rig() { dispatcher->stop(); }

  static DispatchSettings fast() {
    DispatchSettings s;
    s.backoff = {milliseconds(20), milliseconds(100)};
    s.probe_interval = milliseconds(20);
    s.idle_interval = milliseconds(20);
    return s;
  }
  // Returns once the dispatcher was woken for it (the ingest wakes it after answering).
  void add(const std::string& folder) {
    std::vector<std::string> all;
    for (const auto& t : intake->targets()) all.push_back(t.name);
    std::unique_lock lock(mutex);
    const int before = woken;
    lock.unlock();
    REQUIRE(submit_and_wait(*ingest, {{folder, EventKind::modified, 0, "s", all}}).committed);
    lock.lock();
    REQUIRE(woke.wait_for(lock, std::chrono::seconds(10), [&] { return woken > before; }));
  }
  // Every target's thread has done what there is to do now and waits.
  bool settle() { return clock.settle(intake->targets().size()); }
  // `by` passes, and the targets' threads do what it brings.
  bool pass(milliseconds by) { return clock.pass(by, intake->targets().size()); }

  ManualTime clock;
  Backend backend;
  std::unique_ptr<Store> store;
  QueueStore& queue;
  Metrics metrics;
  std::mutex mutex;
  std::condition_variable woke;
  int woken = 0;  // commits the dispatcher was woken for
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
  REQUIRE(rig.settle());
  CHECK(rig.queue.folder_count() == 0);
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
  CHECK(delivered.value() == 5);
}

STORE_TEST("a retry answer backs off and delivers later", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::retry("503"), Result::retry("503")});
  DispatchSettings settings = Rig<Backend>::fast();
  settings.backoff = {milliseconds(1000), milliseconds(60'000)};
  settings.idle_interval = milliseconds(1);  // the worker looks every millisecond
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(rig.settle());
  CHECK(plex->scanned().size() == 1);
  // The first back-off is 1000 ms with its jitter: 500 to 1000 ms.
  REQUIRE(rig.pass(milliseconds(499)));
  CHECK(plex->scanned().size() == 1);
  REQUIRE(rig.pass(milliseconds(501)));
  CHECK(plex->scanned().size() == 2);
  // The second: 2000 ms, 1000 to 2000 ms with its jitter.
  REQUIRE(rig.pass(milliseconds(999)));
  CHECK(plex->scanned().size() == 2);
  REQUIRE(rig.pass(milliseconds(1001)));
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A", "/tv/A", "/tv/A"});
  CHECK(rig.queue.folder_count() == 0);
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
  REQUIRE(rig.settle());
  CHECK(emby->scanned() == std::vector<std::string>{"/tv/A"});
  CHECK(plex->probes() == 0);
  REQUIRE(rig.pass(milliseconds(19)));
  CHECK(plex->probes() == 0);  // probe_interval is 20 ms
  REQUIRE(rig.pass(milliseconds(1)));
  CHECK(plex->probes() == 1);
  REQUIRE(rig.pass(milliseconds(20)));
  CHECK(plex->probes() == 2);
  const auto states = rig.dispatcher->states();
  CHECK(states[0].paused);
  CHECK(states[0].last_error == "connection refused");
  CHECK(states[0].next_attempt == rig.clock.millis() + 20);
  CHECK(states[0].queued == 1);
  CHECK(rig.queue.folder_count() == 1);
  plex->set_probe(Result::ok());
  REQUIRE(rig.pass(milliseconds(20)));
  CHECK(plex->probes() == 3);
  CHECK(rig.queue.folder_count() == 0);
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
  REQUIRE(rig.settle());
  CHECK(rig.queue.folder_count() == 0);
  REQUIRE(rig.pass(milliseconds(60'000)));  // far past any back-off
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
  REQUIRE(rig.settle());
  CHECK(order == std::vector<std::string>{"rclone"});
  REQUIRE(rig.pass(milliseconds(60'000)));  // plex waits however long rclone retries
  CHECK(order == std::vector<std::string>{"rclone", "rclone", "plex"});
  CHECK(rig.queue.folder_count() == 0);
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
  REQUIRE(rig.settle());  // no time passes: the new event is due at once
  CHECK(rig.queue.folder_count() == 0);
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
  REQUIRE(rig.settle());
  CHECK(rig.dispatcher->blocked_reason() ==
        std::optional<std::string>("the anchor " + anchor +
                                   " is missing (is the media mount up?): nothing is dispatched"));
  for (int i = 0; i < 3; ++i) REQUIRE(rig.pass(milliseconds(20)));  // it looks every idle_interval
  CHECK(plex->scanned().empty());
  std::ofstream(anchor) << "";
  REQUIRE(rig.pass(milliseconds(19)));
  CHECK(plex->scanned().empty());
  REQUIRE(rig.pass(milliseconds(1)));
  CHECK(rig.queue.folder_count() == 0);
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A"});
  CHECK_FALSE(rig.dispatcher->blocked_reason());
}

STORE_TEST("scan_delay spaces out the scans of one target", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>(Stage::scan, 1);
  Rig<Backend> rig({{"plex", plex}}, Rig<Backend>::fast(), {}, milliseconds(250));
  for (int i = 0; i < 3; ++i) rig.add("/tv/" + std::to_string(i));
  rig.dispatcher->start();
  REQUIRE(rig.settle());
  CHECK(plex->scanned().size() == 1);
  for (std::size_t scans = 2; scans <= 3; ++scans) {
    REQUIRE(rig.pass(milliseconds(249)));
    CHECK(plex->scanned().size() == scans - 1);
    REQUIRE(rig.pass(milliseconds(1)));
    CHECK(plex->scanned().size() == scans);
  }
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
  const Millis first_answer = rig.clock.millis();
  rig.dispatcher->start();
  REQUIRE(rig.settle());
  REQUIRE(rig.pass(milliseconds(20)));   // the first back-off: 10 to 20 ms
  REQUIRE(rig.pass(milliseconds(40)));   // the second: 20 to 40 ms
  REQUIRE(plex->scanned().size() == 3);  // ... and unavailable: paused
  REQUIRE(rig.pass(milliseconds(20)));
  REQUIRE(rig.pass(milliseconds(20)));
  CHECK(plex->probes() == 2);
  const auto failing = rig.dispatcher->states()[0];
  CHECK(failing.paused);
  CHECK(failing.queued == 1);
  CHECK(failing.failing_since == first_answer);
  CHECK(failing.last_answer == rig.clock.millis());
  CHECK(rig.dispatcher->failing_since("plex") == failing.failing_since);
  CHECK(rig.queue.history(10, 0).empty());  // nothing rejected, nothing lost

  plex->set_probe(Result::ok());
  REQUIRE(rig.pass(milliseconds(20)));  // it answers: the folder is sent at once, "x" a retry
  CHECK(plex->scanned().size() == 4);
  CHECK(rig.dispatcher->states()[0].failing_since == rig.clock.millis());  // a new spell
  REQUIRE(rig.pass(milliseconds(80)));  // the third back-off: 40 to 80 ms
  CHECK(rig.queue.folder_count() == 0);
  CHECK(rig.dispatcher->states()[0].failing_since == 0);
  CHECK(rig.queue.history(10, 0).at(0).outcome == "ok");
}

// The new-user trial's Plex answered its probe (/identity, the sections) but
// not a refresh: paused and resumed every probe_interval, forever.
STORE_TEST(
    "a target unavailable again right after each passing probe waits twice as long each time",
    "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  const Result refused = Result::unavailable("Plex answered HTTP 404 with a web page");
  plex->answer({refused, refused, refused, refused});
  Rig<Backend> rig({{"plex", plex}});  // probe_interval 20 ms, backoff max 100 ms
  rig.add("/tv/A");
  rig.dispatcher->start();
  REQUIRE(rig.settle());
  CHECK(rig.dispatcher->states()[0].next_attempt == rig.clock.millis() + 20);  // a first pause
  REQUIRE(rig.pass(milliseconds(20)));
  CHECK(plex->probes() == 1);
  CHECK(plex->scanned().size() == 2);
  CHECK(rig.dispatcher->states()[0].next_attempt == rig.clock.millis() + 40);
  REQUIRE(rig.pass(milliseconds(39)));
  CHECK(plex->probes() == 1);
  REQUIRE(rig.pass(milliseconds(1)));
  CHECK(plex->probes() == 2);
  CHECK(plex->scanned().size() == 3);
  CHECK(rig.dispatcher->states()[0].next_attempt == rig.clock.millis() + 80);
  REQUIRE(rig.pass(milliseconds(80)));
  CHECK(plex->scanned().size() == 4);
  CHECK(rig.dispatcher->states()[0].next_attempt == rig.clock.millis() + 100);  // the cap
  REQUIRE(rig.pass(milliseconds(100)));
  CHECK(plex->scanned().size() == 5);
  CHECK(rig.queue.folder_count() == 0);
  CHECK_FALSE(rig.dispatcher->states()[0].paused);
}

STORE_TEST("a target's Retry-After sets its next attempt instead of the backoff", "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  plex->answer({Result::retry("Plex answered 503", std::chrono::seconds(30))});
  DispatchSettings settings = Rig<Backend>::fast();  // backoff from 20 ms
  settings.backoff.max = std::chrono::hours(1);
  settings.idle_interval = milliseconds(1);  // the worker looks every millisecond
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.add("/tv/A");
  const Millis answered = rig.clock.millis();
  rig.dispatcher->start();
  REQUIRE(rig.settle());
  const auto listed = rig.queue.list(10, 0);
  REQUIRE(listed.size() == 1);
  REQUIRE(listed[0].deliveries.size() == 1);
  CHECK(listed[0].deliveries[0].attempts == 1);
  CHECK(listed[0].deliveries[0].next_attempt == answered + 30'000);
  const auto waiting = rig.dispatcher->states().at(0);
  CHECK_FALSE(waiting.paused);
  CHECK(waiting.next_attempt == answered + 30'000);  // /api/targets says when, not 0
  REQUIRE(rig.pass(milliseconds(29'999)));           // 1500 times the backoff: still not retried
  CHECK(plex->scanned().size() == 1);
  REQUIRE(rig.pass(milliseconds(1)));
  CHECK(plex->scanned().size() == 2);
  CHECK(rig.queue.folder_count() == 0);
}

STORE_TEST("a new event wakes an idle target at once, without waiting for idle_interval",
           "[dispatcher]") {
  auto plex = std::make_shared<ScriptedTarget>();
  DispatchSettings settings = Rig<Backend>::fast();
  settings.idle_interval = std::chrono::seconds(30);
  Rig<Backend> rig({{"plex", plex}}, settings);
  rig.dispatcher->start();
  REQUIRE(rig.settle());  // the worker found nothing and sleeps
  rig.add("/tv/A");
  REQUIRE(rig.settle());  // no time passes on the clock
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/A"});
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
  REQUIRE(rig.settle());
  for (int i = 0; i < 25; ++i) REQUIRE(rig.pass(milliseconds(20)));  // 25 idle intervals
  CHECK(plex->scanned().size() == 1);
  CHECK(rig.queue.folder_count() == 1);
  disk.free_filler();
  REQUIRE(rig.pass(milliseconds(20)));  // the writes are tried again every probe_interval at most
  CHECK(rig.queue.folder_count() == 0);
  CHECK(plex->scanned() == std::vector<std::string>{"/tv/Show"});
}
