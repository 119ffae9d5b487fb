// Two real scanhookd processes on one real PostgreSQL database, each with its
// own recording target file (so each scan names the instance that made it):
// events coalesce across them; when one is killed mid-load the other
// delivers everything acknowledged, the dead one's leases after their expiry,
// and scans twice only what the dead one had marked in flight; a slow but
// live instance keeps its batch.
#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fakes/fake_plex.hpp"
#include "scanhook/core/store/postgres_connection.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/keep_alive_post.hpp"
#include "support/postgres_server.hpp"
#include "support/rclone_remote.hpp"
#include "support/record_file.hpp"
#include "support/temp_dir.hpp"

using scanhook::HttpReply;
using scanhook::core::PostgresConnection;
using scanhook::fakes::FakePlex;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::keep_alive_post;
using scanhook::testing::PostgresServer;
using scanhook::testing::RcloneRemote;
using scanhook::testing::record_lines;
using scanhook::testing::TempDir;
using std::chrono::milliseconds;

namespace {

const std::string kPlexToken = "server-token-5e2b";

// One instance's folder: its INI, the recorder plugin, its record file.
struct InstanceDir {
  InstanceDir() {
    std::filesystem::create_directories(dir / "plugins");
    std::filesystem::copy_file(std::filesystem::path(SCANHOOK_TEST_PLUGIN_DIR) / "recorder.so",
                               dir / "plugins" / "recorder.so");
  }
  std::filesystem::path record() const { return dir / "record"; }
  TempDir dir;
};

std::string ini(const std::string& url, const std::string& name, const std::string& minimum_age,
                const std::string& delay, int batch, const std::string& lease) {
  return "[server]\nlisten = 127.0.0.1:0\ndatabase = " + url + "\ninstance_name = " + name +
         "\nplugin_dir = {dir}/plugins\naccess_log = false\nthreads = 8\n"
         "[queue]\nminimum_age = " +
         minimum_age + "\nidle_interval = 50ms\nlease = " + lease +
         "\n[source.arr]\nplugin = recorder\n"
         "[target.rec]\nplugin = recorder\nrecord = {dir}/record\ndelay = " +
         delay + "\nbatch = " + std::to_string(batch) + "\n";
}

}  // namespace

TEST_CASE("two instances on one PostgreSQL coalesce a folder's events into one scan",
          "[postgres][cluster]") {
  const std::string url = PostgresServer::shared().fresh_database();
  InstanceDir a_dir, b_dir;
  DaemonProcess a(a_dir.dir.path(), ini(url, "a", "2s", "0s", 50, "60s"));
  REQUIRE(a.wait_until_listening());
  DaemonProcess b(b_dir.dir.path(), ini(url, "b", "2s", "0s", 50, "60s"));
  REQUIRE(b.wait_until_listening());

  Poco::Net::HTTPClientSession to_a("127.0.0.1", a.port()), to_b("127.0.0.1", b.port());
  for (int i = 0; i < 3; ++i) {
    CHECK(keep_alive_post(to_a, "/triggers/arr",
                          R"({"paths": ["/tv/Show/e1.mkv"], "files": true})") == 200);
    CHECK(keep_alive_post(to_b, "/triggers/arr",
                          R"({"paths": ["/tv/Show/e2.mkv"], "files": true})") == 200);
  }
  // Either instance lists the whole queue: one folder, six events.
  const auto queued = DaemonClient(b.url()).get_json("/api/queue");
  CHECK(queued->getValue<int>("total") == 1);
  CHECK(queued->getArray("folders")->getObject(0)->getValue<int>("events") == 6);

  REQUIRE(eventually([&] { return DaemonClient(a.url()).queue_empty(); }, milliseconds(20000)));
  std::this_thread::sleep_for(milliseconds(500));  // a second scan would have shown by now
  const auto by_a = record_lines(a_dir.record());
  const auto by_b = record_lines(b_dir.record());
  CHECK(by_a.size() + by_b.size() == 1);
  const auto history = DaemonClient(a.url()).get_json("/api/history")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("folder") == "/tv/Show");
  CHECK(history->getObject(0)->getValue<std::string>("instance") == (by_a.empty() ? "b" : "a"));
}

namespace {

// Webhook clients posting a new folder each to one instance, until stopped
// or the instance is gone: what they sent, and what was answered 2xx.
class Load {
 public:
  void start(unsigned short port, const std::string& prefix, int clients) {
    std::atomic<bool>* stop = stops_.emplace_back(std::make_unique<std::atomic<bool>>(false)).get();
    for (int c = 0; c < clients; ++c)
      threads_.emplace_back(
          [this, port, stop, name = prefix + std::to_string(c)] { post_until(port, *stop, name); });
  }
  ~Load() { join(); }
  void stop(std::size_t which) { *stops_.at(which) = true; }
  void join() {
    for (auto& stop : stops_) *stop = true;
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }
  std::set<std::string> sent, acknowledged;  // read once joined
  std::atomic<int> not_ok{0};

 private:
  void post_until(unsigned short port, const std::atomic<bool>& stop, const std::string& name) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    for (int n = 0; !stop; ++n) {
      const std::string folder = "/tv/" + name + "/e" + std::to_string(n);
      {
        std::lock_guard lock(mutex_);
        sent.insert(folder);
      }
      const int status =
          keep_alive_post(session, "/triggers/arr", "{\"paths\": [\"" + folder + "\"]}");
      if (status == 0) return;  // the daemon is gone
      if (status != 200) {
        ++not_ok;
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        acknowledged.insert(folder);
      }
      // Below what the two targets take together, so the backlog stays short.
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<std::atomic<bool>>> stops_;
  std::vector<std::thread> threads_;
};

// What an instance held in the database when it was killed: folder → lease_until.
struct Holdings {
  std::map<std::string, std::int64_t> in_flight;  // marked before their request left
  std::map<std::string, std::int64_t> picked;     // leased, certainly not sent
};

Holdings holdings(const std::string& url, const std::string& instance) {
  PostgresConnection sql(url, "");
  const auto rows = sql.run(
      "SELECT f.path, d.lease_until, d.sending_since FROM deliveries d "
      "JOIN folders f ON f.id = d.folder_id WHERE d.leased_by = $1 AND d.lease_until > 0",
      {instance});
  Holdings held;
  for (std::size_t r = 0; r < rows.size(); ++r)
    (rows.integer(r, 2) > 0 ? held.in_flight : held.picked)[rows.text(r, 0)] = rows.integer(r, 1);
  return held;
}

// The moment of a kill, as the dead instance's in-flight marks and its
// target's record show it.
enum class KillPoint {
  between_requests,  // nothing in flight
  answer_pending,    // a batch in flight that its target has already recorded
};

// Freezes `daemon` (SIGSTOP) until it is at `point` (while it is stopped its
// marks and its target's record cannot change), and kills it there (SIGKILL).
Holdings kill_at(DaemonProcess& daemon, const std::string& url, const std::string& instance,
                 const std::filesystem::path& record, KillPoint point) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const auto reached = [&](const Holdings& held) {
    if (point == KillPoint::between_requests) return held.in_flight.empty();
    const auto lines = record_lines(record);
    const std::set<std::string> recorded(lines.begin(), lines.end());
    for (const auto& [folder, lease_until] : held.in_flight)
      if (!recorded.count(folder)) return false;
    return !held.in_flight.empty();
  };
  for (int attempt = 0;; ++attempt) {
    daemon.send_signal(SIGSTOP);
    std::this_thread::sleep_for(milliseconds(20));  // the signal is taken asynchronously
    Holdings held = holdings(url, instance);
    const bool at_point = reached(held);
    if (at_point || std::chrono::steady_clock::now() > deadline) {
      daemon.send_signal(SIGKILL);
      REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
      REQUIRE(at_point);
      return held;
    }
    daemon.send_signal(SIGCONT);
    std::this_thread::sleep_for(milliseconds(10 + 7 * (attempt % 5)));
  }
}

std::map<std::string, int> scans_of(const std::vector<std::filesystem::path>& records) {
  std::map<std::string, int> scans;
  for (const auto& record : records)
    for (const auto& folder : record_lines(record)) ++scans[folder];
  return scans;
}

// Two instances under load; `a` is killed at `point`; b delivers the rest.
struct KillRun {
  Holdings held;  // a's, at the kill
  std::map<std::string, int> scans;
  std::size_t lost = 0, invented = 0;
  std::string b_output;
  std::string url;
};

KillRun kill_under_load(const std::string& a_target, KillPoint point) {
  KillRun run;
  run.url = PostgresServer::shared().fresh_database();
  InstanceDir a_dir, b_dir;
  auto a = std::make_unique<DaemonProcess>(a_dir.dir.path(),
                                           ini(run.url, "a", "0s", "0s", 5, "2s") + a_target);
  REQUIRE(a->wait_until_listening());
  DaemonProcess b(b_dir.dir.path(), ini(run.url, "b", "0s", "50ms", 5, "2s"));
  REQUIRE(b.wait_until_listening());
  Load load;
  load.start(a->port(), "a", 3);
  load.start(b.port(), "b", 3);
  REQUIRE(eventually(
      [&] {
        return record_lines(a_dir.record()).size() >= 20 &&
               record_lines(b_dir.record()).size() >= 20;
      },
      milliseconds(30000)));
  run.held = kill_at(*a, run.url, "a", a_dir.record(), point);
  load.stop(0);
  const std::size_t lines_by_a = record_lines(a_dir.record()).size();

  std::this_thread::sleep_for(milliseconds(2500));  // b goes on taking events past a's leases
  load.join();
  CHECK(load.not_ok == 0);
  REQUIRE(eventually([&] { return DaemonClient(b.url()).queue_empty(); }, milliseconds(60000)));
  std::this_thread::sleep_for(milliseconds(300));            // a late second scan would show by now
  CHECK(record_lines(a_dir.record()).size() == lines_by_a);  // a is dead
  run.scans = scans_of({a_dir.record(), b_dir.record()});
  for (const auto& folder : load.acknowledged) run.lost += run.scans.count(folder) ? 0 : 1;
  for (const auto& [folder, count] : run.scans) run.invented += load.sent.count(folder) ? 0 : 1;
  run.b_output = b.output();
  // b delivered each of a's leases, and not before it ran out.
  PostgresConnection sql(run.url, "");
  for (const auto* held : {&run.held.in_flight, &run.held.picked})
    for (const auto& [folder, lease_until] : *held) {
      const auto row = sql.run(
          "SELECT instance, finished_at FROM history WHERE folder = $1 AND outcome = 'ok' "
          "ORDER BY id DESC LIMIT 1",
          {folder});
      REQUIRE(row.size() == 1);
      CHECK(row.text(0, 0) == "b");
      CHECK(row.integer(0, 1) >= lease_until);
    }
  return run;
}

std::set<std::string> scanned_twice(const std::map<std::string, int>& scans) {
  std::set<std::string> twice;
  for (const auto& [folder, count] : scans)
    if (count > 1) twice.insert(folder);
  return twice;
}

}  // namespace

TEST_CASE(
    "an instance killed mid-request loses nothing acknowledged, and only the folders it had "
    "marked in flight are scanned twice",
    "[postgres][cluster]") {
  // a's target records a batch, then takes 300 ms to answer: killed then, the
  // target has the folders but the database does not know.
  const KillRun run = kill_under_load("hold = 300ms\n", KillPoint::answer_pending);
  CHECK(run.lost == 0);
  CHECK(run.invented == 0);
  CHECK(run.held.in_flight.size() <= 5);  // one batch
  // Exactly the in-flight folders are scanned twice (the target had them
  // all); a's picked but unsent leases, and everything else, once.
  std::set<std::string> in_flight;
  for (const auto& [folder, lease_until] : run.held.in_flight) in_flight.insert(folder);
  CHECK(scanned_twice(run.scans) == in_flight);
  CHECK(run.b_output.find("sending again what another instance was sending when its lease ran "
                          "out") != std::string::npos);
}

TEST_CASE(
    "an instance killed between two requests loses nothing acknowledged and no folder is "
    "scanned twice",
    "[postgres][cluster]") {
  // scan_delay keeps a between requests most of the time.
  const KillRun run = kill_under_load("scan_delay = 300ms\n", KillPoint::between_requests);
  CHECK(run.lost == 0);
  CHECK(run.invented == 0);
  CHECK(run.held.in_flight.empty());
  CHECK(scanned_twice(run.scans).empty());
}

TEST_CASE("a slow but live instance keeps its batch: no other instance scans it meanwhile",
          "[postgres][cluster]") {
  const std::string url = PostgresServer::shared().fresh_database();
  InstanceDir a_dir, b_dir;
  // a's target takes 3 s, three leases.
  DaemonProcess a(a_dir.dir.path(), ini(url, "a", "0s", "3s", 5, "1s"));
  REQUIRE(a.wait_until_listening());
  const std::string batch =
      R"({"paths": ["/tv/S1/e.mkv", "/tv/S2/e.mkv", "/tv/S3/e.mkv", "/tv/S4/e.mkv", "/tv/S5/e.mkv"], "files": true})";
  REQUIRE(DaemonClient(a.url()).post("/triggers/arr", batch, "application/json").status == 200);
  REQUIRE(
      eventually([&] { return holdings(url, "a").in_flight.size() == 5; }, milliseconds(10000)));
  // b, with a fast target, looks for due folders every 50 ms while a's scan runs.
  DaemonProcess b(b_dir.dir.path(), ini(url, "b", "0s", "0s", 5, "1s"));
  REQUIRE(b.wait_until_listening());
  REQUIRE(DaemonClient(b.url())
              .post("/triggers/arr", R"({"paths": ["/tv/T1/e.mkv"], "files": true})",
                    "application/json")
              .status == 200);
  REQUIRE(eventually([&] { return DaemonClient(a.url()).queue_empty(); }, milliseconds(20000)));
  std::this_thread::sleep_for(milliseconds(300));
  auto by_a = record_lines(a_dir.record());
  std::sort(by_a.begin(), by_a.end());
  CHECK(by_a == std::vector<std::string>{"/tv/S1", "/tv/S2", "/tv/S3", "/tv/S4", "/tv/S5"});
  CHECK(record_lines(b_dir.record()) == std::vector<std::string>{"/tv/T1"});
}

TEST_CASE("a Plex outage found by one instance pauses the target on the other too",
          "[postgres][cluster]") {
  const std::string url = PostgresServer::shared().fresh_database();
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  // Traefik's answer while the Plex container is not yet registered (Go's http.NotFound).
  plex.fail_with(HttpReply{404, "text/plain; charset=utf-8", "404 page not found\n", {}});
  const auto plex_ini = [&](const std::string& name) {
    return "[server]\nlisten = 127.0.0.1:0\ndatabase = " + url + "\ninstance_name = " + name +
           "\naccess_log = false\n[queue]\nminimum_age = 0s\nidle_interval = 20ms\n"
           "probe_interval = 5s\n[target.plex]\nurl = " +
           plex.url() + "\ntoken = " + kPlexToken + "\n";
  };
  TempDir a_dir, b_dir;
  DaemonProcess a(a_dir.path(), plex_ini("a"));
  REQUIRE(a.wait_until_listening());
  DaemonProcess b(b_dir.path(), plex_ini("b"));
  REQUIRE(b.wait_until_listening());
  const DaemonClient to_a(a.url()), to_b(b.url());

  // Either instance may pick /tv/A (a's commit wakes b too): the one that
  // does finds the outage, and the other is told.
  REQUIRE(to_a.post("/api/scan", R"({"paths": ["/tv/A"]})", "application/json").status == 200);
  REQUIRE(eventually([&] { return to_a.target_state("plex")->getValue<bool>("paused"); },
                     milliseconds(10000)));
  REQUIRE(eventually([&] { return to_b.target_state("plex")->getValue<bool>("paused"); },
                     milliseconds(10000)));
  const bool a_found = a.output().find("target plex is unavailable (") != std::string::npos;
  DaemonProcess& told = a_found ? b : a;
  const DaemonClient& to_told = a_found ? to_b : to_a;
  CHECK(told.output().find("target plex is unavailable (") == std::string::npos);
  CHECK(told.wait_for_output(std::string("target plex was found unavailable by ") +
                             (a_found ? "a" : "b")));
  CHECK(to_told.target_state("plex")->getValue<std::string>("last_error").find("HTTP 404") !=
        std::string::npos);
  // Until the next probe neither instance asks Plex anything: not for /tv/B either.
  const std::size_t asked_before = plex.requests().size();
  REQUIRE(to_told.post("/api/scan", R"({"paths": ["/tv/B"]})", "application/json").status == 200);
  std::this_thread::sleep_for(milliseconds(500));
  CHECK(plex.requests().size() == asked_before);

  plex.clear_failure();
  REQUIRE(eventually([&] { return to_a.queue_empty(); }, milliseconds(20000)));
  auto refreshed = plex.refreshed();
  std::sort(refreshed.begin(), refreshed.end());
  CHECK(refreshed == std::vector<std::string>{"section 2 /tv/A", "section 2 /tv/B"});
}

// Two instances polling one rclone remote (a local folder, every second) on
// a fresh database, with /tv/Show/Season 1 in it: `holder` is the one that
// took the poller's lock and recorded the baseline, `standby` the other.
class PollingPair {
 public:
  PollingPair() {
    remote_.write("Show/Season 1/S01E01.mkv", "one");
    for (const auto& [name, dir] : dirs_) {
      std::filesystem::copy_file(std::filesystem::path(SCANHOOK_PLUGIN_BUILD_DIR) / "rclone.so",
                                 dir->dir.path() / "plugins" / "rclone.so");
      daemons_[name] = std::make_unique<DaemonProcess>(
          dir->dir.path(), ini(url_, name, "0s", "0s", 50, "10s") + remote_.source_section());
    }
    for (const auto& [name, daemon] : daemons_)
      if (!daemon->wait_until_listening()) FAIL(name << " did not start: " << daemon->output());
    const std::string baseline = "recorded a baseline of 1 file of " + remote_.path().string();
    REQUIRE(eventually(
        [&] {
          return daemons_["a"]->output().find(baseline) != std::string::npos ||
                 daemons_["b"]->output().find(baseline) != std::string::npos;
        },
        milliseconds(10000)));
    holder = daemons_["a"]->output().find(baseline) != std::string::npos ? "a" : "b";
    standby = holder == "a" ? "b" : "a";
  }

  std::string url() const { return url_; }
  const RcloneRemote& remote() const { return remote_; }
  DaemonProcess& daemon(const std::string& name) { return *daemons_.at(name); }
  // True once `name`'s queue is empty (20 s at most).
  bool delivered_all(const std::string& name) {
    return eventually([&] { return DaemonClient(daemon(name).url()).queue_empty(); },
                      milliseconds(20000));
  }
  std::filesystem::path record(const std::string& name) const { return dirs_.at(name)->record(); }
  // How often each folder was scanned, by either instance.
  std::map<std::string, int> scans() const { return scans_of({record("a"), record("b")}); }

  std::string holder;
  std::string standby;

 private:
  std::string url_ = PostgresServer::shared().fresh_database();
  RcloneRemote remote_;
  InstanceDir a_dir_, b_dir_;
  std::map<std::string, InstanceDir*> dirs_{{"a", &a_dir_}, {"b", &b_dir_}};
  std::map<std::string, std::unique_ptr<DaemonProcess>> daemons_;
};

TEST_CASE(
    "an rclone remote is polled by one instance at a time, and a file added after that instance "
    "is killed is queued by the other from the stored listing",
    "[postgres][cluster][rclone]") {
  PollingPair pair;
  const std::string remote = pair.remote().path().string();
  pair.remote().write("Show/Season 2/S02E01.mkv", "two");
  REQUIRE(pair.daemon(pair.holder).wait_for_output("queued 1 change of", std::chrono::seconds(10)));
  // The standby never polled: no baseline, no stored listing read.
  CHECK(pair.daemon(pair.standby).output().find("of " + remote) == std::string::npos);
  // Season 2 delivered and recorded before the kill: a kill while it is in
  // flight would have it sent again (at least once, "What a kill -9 of one
  // instance can cost"), which is not what this test is about. It raced
  // under load.
  REQUIRE(pair.delivered_all(pair.holder));

  pair.daemon(pair.holder).send_signal(SIGKILL);
  REQUIRE(pair.daemon(pair.holder).wait_for_exit() == 128 + SIGKILL);
  pair.remote().write("Show/Season 3/S03E01.mkv", "three");  // while no instance polls
  // Its advisory lock went with its connection: the standby takes over within
  // its 5 s standby delay, from the listing the dead one stored.
  CHECK(pair.daemon(pair.standby)
            .wait_for_output("resuming from the stored listing of " + remote + " (2 files)",
                             std::chrono::seconds(15)));
  REQUIRE(
      pair.daemon(pair.standby).wait_for_output("queued 1 change of", std::chrono::seconds(10)));
  REQUIRE(pair.delivered_all(pair.standby));
  CHECK(pair.scans() ==
        std::map<std::string, int>{{"/tv/Show/Season 2", 1}, {"/tv/Show/Season 3", 1}});
  CHECK(pair.daemon(pair.standby).output().find("recorded a baseline") == std::string::npos);
}

TEST_CASE(
    "an instance that loses the rclone poller's lock and takes it back diffs against the listing "
    "the other stored meanwhile, and queues nothing twice",
    "[postgres][cluster][rclone]") {
  PollingPair pair;
  const std::string remote = pair.remote().path().string();
  DaemonProcess& first = pair.daemon(pair.holder);
  DaemonProcess& second = pair.daemon(pair.standby);
  pair.remote().write("Show/Season 2/S02E01.mkv", "two");
  REQUIRE(first.wait_for_output("queued 1 change of", std::chrono::seconds(10)));
  REQUIRE(pair.delivered_all(pair.holder));

  // The first loses its lock, alive (frozen, so that it cannot take it back
  // at once): its lock's connection ends, as a network cut would end it.
  first.send_signal(SIGSTOP);
  PostgresConnection sql(pair.url(), "");
  const auto holders = sql.run(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database())");
  REQUIRE(holders.size() == 1);
  sql.run("SELECT pg_terminate_backend($1::int)", {holders.text(0, 0)});
  CHECK(second.wait_for_output("resuming from the stored listing of " + remote + " (2 files)",
                               std::chrono::seconds(15)));
  pair.remote().write("Show/Season 3/S03E01.mkv", "three");
  REQUIRE(second.wait_for_output("queued 1 change of", std::chrono::seconds(10)));
  REQUIRE(pair.delivered_all(pair.standby));

  // The second goes; the first thaws, takes the lock back and polls again.
  second.send_signal(SIGKILL);
  REQUIRE(second.wait_for_exit() == 128 + SIGKILL);
  first.send_signal(SIGCONT);
  pair.remote().write("Show/Season 4/S04E01.mkv", "four");
  REQUIRE(eventually(
      [&] {
        const auto lines = record_lines(pair.record(pair.holder));
        return std::count(lines.begin(), lines.end(), "/tv/Show/Season 4") > 0;
      },
      milliseconds(20000)));
  CHECK(first.output().find("the stored listing of " + remote + " was saved by another instance") !=
        std::string::npos);
  std::this_thread::sleep_for(milliseconds(1500));  // a second poll finds nothing more
  REQUIRE(pair.delivered_all(pair.holder));
  CHECK(pair.scans() == std::map<std::string, int>{{"/tv/Show/Season 2", 1},
                                                   {"/tv/Show/Season 3", 1},
                                                   {"/tv/Show/Season 4", 1}});
}
