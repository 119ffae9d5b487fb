// What only a shared PostgreSQL store does: leases, wake-ups across
// instances, shared pauses, migrations. Each "instance" here is a store of
// its own (its own pool and name) on one real database, as two scanhookd
// processes would have; the two-process tests are in
// integration/test_postgres_cluster.cpp.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/store/postgres_schema.hpp"
#include "scanhook/core/store/store.hpp"
#include "support/eventually.hpp"
#include "support/manual_time.hpp"
#include "support/postgres_server.hpp"
#include "support/scripted_target.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::Result;
using scanhook::testing::eventually;
using scanhook::testing::ManualTime;
using scanhook::testing::PostgresServer;
using scanhook::testing::ScriptedTarget;
using std::chrono::milliseconds;

namespace {

std::unique_ptr<Store> instance(const std::string& url, const std::string& name,
                                milliseconds lease = milliseconds(1000)) {
  StoreSettings settings;
  settings.database = url;
  settings.instance = name;
  settings.lease = lease;
  return open_store(settings);
}

QueuedEvent event(const std::string& folder, std::vector<std::string> targets = {"plex"}) {
  return {folder, EventKind::modified, 0, "sonarr", std::move(targets)};
}

}  // namespace

TEST_CASE("events for one folder from two instances merge into one row", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a");
  auto b = instance(url, "b");
  CHECK(a->queue().add_events({event("/tv/Show")}, {}, 100).at(0) == Enqueued::added);
  CHECK(b->queue().add_events({event("/tv/Show")}, {}, 101).at(0) == Enqueued::merged);
  CHECK(a->queue().folder_count() == 1);
  const auto listed = b->queue().list(10, 0);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].events == 2);
}

TEST_CASE("a delivery one instance picked is not due for another until its lease expires",
          "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(1000));
  auto b = instance(url, "b", milliseconds(1000));
  a->queue().add_events({event("/tv/A"), event("/tv/B")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 1, {});
  REQUIRE(picked.size() == 1);
  // The other folder is still free; the picked one is a's until 200 + 1000.
  const auto other = b->queue().due("plex", 300, 10, {});
  REQUIRE(other.size() == 1);
  CHECK(other[0].path != picked[0].path);
  b->queue().record({{"plex", other[0], other[0].path, Result::ok(), 300, 310, 0, ""}});
  CHECK(b->queue().due("plex", 1199, 10, {}).empty());
  // a died without recording: after the expiry b gets it, and delivers it.
  const auto expired = b->queue().due("plex", 1200, 10, {});
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].path == picked[0].path);
  b->queue().record({{"plex", expired[0], expired[0].path, Result::ok(), 1200, 1210, 0, ""}});
  CHECK(a->queue().folder_count() == 0);
  const auto history = a->queue().history(10, 0);
  REQUIRE(history.size() == 2);
  CHECK(history[0].instance == "b");
  CHECK(history[1].instance == "b");
}

TEST_CASE(
    "a delivery whose instance died while sending it comes back naming that instance, and one "
    "it had only picked comes back as certainly not sent",
    "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(1000));
  auto b = instance(url, "b", milliseconds(1000));
  a->queue().add_events({event("/tv/A"), event("/tv/B")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 10, {});
  REQUIRE(picked.size() == 2);
  CHECK(picked[0].maybe_sent_by.empty());
  const DueFolder& sending = picked[0].path == "/tv/A" ? picked[0] : picked[1];
  a->queue().keep_in_flight("plex", {sending}, 210);  // its lease now runs to 1210
  // a dies here. /tv/B's lease ran out at 1200, /tv/A's at 1210.
  const auto at_1205 = b->queue().due("plex", 1205, 10, {});
  REQUIRE(at_1205.size() == 1);
  CHECK(at_1205[0].path == "/tv/B");
  CHECK(at_1205[0].maybe_sent_by.empty());
  b->queue().record({{"plex", at_1205[0], "/tv/B", Result::ok(), 1205, 1206, 0, ""}});
  const auto at_1210 = b->queue().due("plex", 1210, 10, {});
  REQUIRE(at_1210.size() == 1);
  CHECK(at_1210[0].path == "/tv/A");
  CHECK(at_1210[0].maybe_sent_by == "a");
}

TEST_CASE("renewing a batch in flight keeps another instance from taking it over", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(1000));
  auto b = instance(url, "b", milliseconds(1000));
  a->queue().add_events({event("/tv/A")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 10, {});
  REQUIRE(picked.size() == 1);
  a->queue().keep_in_flight("plex", picked, 200);
  a->queue().keep_in_flight("plex", picked, 900);  // the scan still runs: lease to 1900
  CHECK(b->queue().due("plex", 1500, 10, {}).empty());
  CHECK(b->queue().due("plex", 1899, 10, {}).empty());
  // a stopped renewing (it died): b takes it, knowing a was sending it since 200.
  const auto taken = b->queue().due("plex", 1900, 10, {});
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].maybe_sent_by == "a");
}

TEST_CASE("an instance cannot renew a lease another instance has taken over", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(1000));
  auto b = instance(url, "b", milliseconds(1000));
  a->queue().add_events({event("/tv/A")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 10, {});
  REQUIRE(picked.size() == 1);
  // a lost the database past its lease; b took the folder over (never sent by a).
  const auto taken = b->queue().due("plex", 1300, 10, {});
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].maybe_sent_by.empty());
  a->queue().keep_in_flight("plex", picked, 1310);  // too late: it is b's now
  CHECK(a->queue().due("plex", 2299, 10, {}).empty());
  // b died without sending it: after b's lease, no one is named as having sent it.
  const auto again = a->queue().due("plex", 2300, 10, {});
  REQUIRE(again.size() == 1);
  CHECK(again[0].maybe_sent_by.empty());
}

TEST_CASE("recording a delivery's outcome clears its in-flight mark", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(1000));
  auto b = instance(url, "b", milliseconds(1000));
  a->queue().add_events({event("/tv/Retry"), event("/tv/Down")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 10, {});
  REQUIRE(picked.size() == 2);
  a->queue().keep_in_flight("plex", picked, 210);
  const bool retry_first = picked[0].path == "/tv/Retry";
  const DueFolder& retried = retry_first ? picked[0] : picked[1];
  const DueFolder& down = retry_first ? picked[1] : picked[0];
  a->queue().record(
      {{"plex", retried, retried.path, Result::retry("busy"), 210, 220, 300, ""},
       {"plex", down, down.path, Result::unavailable("connection refused"), 210, 220, 0, ""}});
  // The answers came back: neither folder is "maybe sent" for whoever picks it next.
  const auto after = b->queue().due("plex", 1300, 10, {});
  REQUIRE(after.size() == 2);
  CHECK(after[0].maybe_sent_by.empty());
  CHECK(after[1].maybe_sent_by.empty());
}

TEST_CASE("a dispatcher renews the lease of a batch while its slow target answers", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(300));
  auto b = instance(url, "b", milliseconds(300));
  auto target = std::make_shared<ScriptedTarget>();
  ManualTime clock;
  std::atomic<int> taken_by_b{0};
  std::atomic<bool> settled{true};
  // The scan takes five leases of the dispatcher's clock; meanwhile b looks
  // for due folders every 50 ms of it. The one thread waiting on the clock
  // while the target works is a's lease keeper (every 100 ms).
  target->on_scan([&] {
    for (int i = 0; i < 30; ++i) {
      if (!clock.pass(milliseconds(50), 1)) settled = false;
      taken_by_b += static_cast<int>(b->queue().due("plex", clock.millis(), 10, {}).size());
    }
  });
  DispatchSettings settings;
  settings.idle_interval = milliseconds(20);
  Intake intake({}, {{"plex", {}, false}});
  Metrics metrics;
  Dispatcher dispatcher(a->queue(), intake, {{"plex", target, milliseconds(0), true, ""}}, settings,
                        metrics, nullptr, clock);
  a->queue().add_events({event("/tv/A")}, {}, clock.millis());
  dispatcher.start();
  REQUIRE(target->wait_for_scans(1));
  REQUIRE(eventually([&] { return a->queue().folder_count() == 0; }, milliseconds(10000)));
  dispatcher.stop();
  CHECK(settled);
  CHECK(taken_by_b == 0);
  const auto history = a->queue().history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].instance == "a");
}

TEST_CASE("an instance takes up its own delivery again after the target was unavailable",
          "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a", milliseconds(60'000));
  auto b = instance(url, "b", milliseconds(60'000));
  a->queue().add_events({event("/tv/A")}, {}, 100);
  const auto picked = a->queue().due("plex", 200, 10, {});
  REQUIRE(picked.size() == 1);
  a->queue().record(
      {{"plex", picked[0], "/tv/A", Result::unavailable("connection refused"), 200, 210, 0, ""}});
  CHECK(b->queue().due("plex", 300, 10, {}).empty());  // still a's: b learns of the outage
  CHECK(a->queue().due("plex", 300, 10, {}).size() == 1);
}

TEST_CASE("an event during another instance's delivery is delivered again afterwards",
          "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a");
  auto b = instance(url, "b");
  a->queue().add_events({event("/tv/Show")}, {}, 100);
  const auto in_flight = a->queue().due("plex", 200, 10, {});
  REQUIRE(in_flight.size() == 1);
  b->queue().add_events({event("/tv/Show")}, {}, 250);  // arrives at b while a scans
  a->queue().record({{"plex", in_flight[0], "/tv/Show", Result::ok(), 200, 300, 0, ""}});
  const auto again = b->queue().due("plex", 400, 10, {});
  REQUIRE(again.size() == 1);
  CHECK(again[0].generation == in_flight[0].generation + 1);
}

TEST_CASE("one instance's commit wakes another's dispatcher (LISTEN/NOTIFY)", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a");
  auto b = instance(url, "b");
  std::atomic<int> woken_a{0}, woken_b{0};
  a->queue().on_remote_events([&] { ++woken_a; });
  b->queue().on_remote_events([&] { ++woken_b; });
  std::this_thread::sleep_for(milliseconds(500));  // both listening
  a->queue().add_events({event("/tv/Show")}, {}, 100);
  CHECK(eventually([&] { return woken_b > 0; }, milliseconds(10000)));
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(woken_a == 0);  // its own commit does not wake it
}

TEST_CASE("a target found unavailable by one instance is paused on the other too", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  auto a = instance(url, "a");
  auto b = instance(url, "b");
  auto target_a = std::make_shared<ScriptedTarget>();
  auto target_b = std::make_shared<ScriptedTarget>();
  target_a->answer({Result::unavailable("connection refused")});
  target_a->set_probe(Result::unavailable("connection refused"));
  DispatchSettings settings;
  settings.probe_interval = milliseconds(3000);
  settings.idle_interval = milliseconds(20);
  Intake intake({}, {{"plex", {}, false}});
  Metrics metrics_a, metrics_b;
  // Both on one clock; each dispatcher waits on it with two threads (its
  // target's and the lease keeper).
  ManualTime clock;
  Dispatcher dispatcher_a(a->queue(), intake, {{"plex", target_a, milliseconds(0), true, ""}},
                          settings, metrics_a, nullptr, clock);
  Dispatcher dispatcher_b(b->queue(), intake, {{"plex", target_b, milliseconds(0), true, ""}},
                          settings, metrics_b, nullptr, clock);
  a->queue().add_events({event("/tv/A")}, {}, clock.millis());
  dispatcher_a.start();
  REQUIRE(target_a->wait_for_scans(1));
  REQUIRE(clock.settle(2));
  REQUIRE(dispatcher_a.states().at(0).paused);
  // b starts after a's outage: it is told, and does not try the target until
  // a's probe is due.
  b->queue().add_events({event("/tv/B")}, {}, clock.millis());
  dispatcher_b.start();
  REQUIRE(clock.settle(4));
  const auto state = dispatcher_b.states().at(0);
  CHECK(state.paused);
  CHECK(state.last_error == "connection refused");
  REQUIRE(clock.pass(milliseconds(2999), 4));
  CHECK(target_b->scanned().empty());
  dispatcher_a.stop();
  dispatcher_b.stop();
}

TEST_CASE("a database of a newer scanhook schema is refused with the versions", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  { instance(url, "a"); }
  PostgresConnection sql(url, "");
  CHECK(postgres_schema_version(sql) == latest_postgres_schema_version());
  sql.run("UPDATE scanhook_schema SET version = $1", {latest_postgres_schema_version() + 1});
  REQUIRE_THROWS_WITH(instance(url, "a"), Catch::Contains("written by a newer scanhookd"));
}

TEST_CASE("two instances starting at once migrate the schema once", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  std::unique_ptr<Store> a, b;
  std::thread first([&] { a = instance(url, "a"); });
  std::thread second([&] { b = instance(url, "b"); });
  first.join();
  second.join();
  REQUIRE(a);
  REQUIRE(b);
  PostgresConnection sql(url, "");
  CHECK(sql.run("SELECT COUNT(*) FROM scanhook_schema").integer(0, 0) == 1);
  CHECK(postgres_schema_version(sql) == latest_postgres_schema_version());
}

TEST_CASE("a PostgreSQL server that cannot be reached is named in the error", "[postgres]") {
  StoreSettings settings;
  settings.database = "postgresql://scanhook@127.0.0.1:1/none?connect_timeout=2";
  REQUIRE_THROWS_WITH(open_store(settings),
                      Catch::Contains("cannot connect to PostgreSQL at scanhook@127.0.0.1:1/none"));
}

TEST_CASE("a dead letter deleted on PostgreSQL is gone, and a second delete finds none",
          "[postgres]") {
  const auto url = PostgresServer::shared().fresh_database();
  const auto a = instance(url, "a");
  scanhook::HttpRequest request;
  request.method = "POST";
  request.path = "/triggers/sonarr";
  request.body = "{broken";
  const auto id = a->dead_letters().keep("sonarr", request, "not JSON", 1234);
  REQUIRE(id);
  REQUIRE(a->dead_letters().find(*id));
  CHECK(a->dead_letters().remove(*id));
  CHECK_FALSE(a->dead_letters().find(*id));
  CHECK_FALSE(a->dead_letters().remove(*id));
  CHECK(a->dead_letters().unreadable().count("dead_letters") == 0);
}
