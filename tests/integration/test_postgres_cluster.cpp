// Two real scanhookd processes on one real PostgreSQL database, each with its
// own recording target file (so each scan names the instance that made it):
// events coalesce across them, and when one is killed mid-load the other
// delivers everything acknowledged, the dead one's leases after their expiry.
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

TEST_CASE(
    "after one instance is killed mid-load the other delivers every acknowledged event, the "
    "dead one's leases after their expiry",
    "[postgres][cluster]") {
  const std::string url = PostgresServer::shared().fresh_database();
  InstanceDir a_dir, b_dir;
  // A slow target (50 ms per batch of 5) keeps a backlog and a batch in flight on each.
  auto a = std::make_unique<DaemonProcess>(a_dir.dir.path(), ini(url, "a", "0s", "50ms", 5, "3s"));
  REQUIRE(a->wait_until_listening());
  DaemonProcess b(b_dir.dir.path(), ini(url, "b", "0s", "50ms", 5, "3s"));
  REQUIRE(b.wait_until_listening());

  std::mutex mutex;
  std::set<std::string> acknowledged, sent;
  std::atomic<bool> stop_a{false}, stop_b{false};
  std::atomic<int> not_ok{0};
  auto client = [&](unsigned short port, std::atomic<bool>& stop, const std::string& name) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    for (int n = 0; !stop; ++n) {
      const std::string folder = "/tv/" + name + "/e" + std::to_string(n);
      {
        std::lock_guard lock(mutex);
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
        std::lock_guard lock(mutex);
        acknowledged.insert(folder);
      }
      // Below what the two targets take together, so the backlog stays short.
      std::this_thread::sleep_for(milliseconds(20));
    }
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back(client, a->port(), std::ref(stop_a), "a" + std::to_string(c));
    clients.emplace_back(client, b.port(), std::ref(stop_b), "b" + std::to_string(c));
  }
  REQUIRE(eventually(
      [&] {
        return record_lines(a_dir.record()).size() >= 20 &&
               record_lines(b_dir.record()).size() >= 20;
      },
      milliseconds(30000)));
  a->send_signal(SIGKILL);
  REQUIRE(a->wait_for_exit() == 128 + SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  stop_a = true;
  // What a held when it died: leased to it, never recorded.
  PostgresConnection sql(url, "");
  const auto leases = sql.run(
      "SELECT f.path, d.lease_until FROM deliveries d JOIN folders f ON f.id = d.folder_id "
      "WHERE d.leased_by = 'a' AND d.lease_until > 0");
  std::map<std::string, std::int64_t> dead_leases;
  for (std::size_t r = 0; r < leases.size(); ++r)
    dead_leases[leases.text(r, 0)] = leases.integer(r, 1);
  const std::size_t delivered_by_a = record_lines(a_dir.record()).size();

  std::this_thread::sleep_for(milliseconds(1000));  // b goes on taking events meanwhile
  stop_b = true;
  for (auto& thread : clients) thread.join();
  CHECK(not_ok == 0);
  REQUIRE(eventually([&] { return DaemonClient(b.url()).queue_empty(); }, milliseconds(60000)));
  CHECK(std::chrono::steady_clock::now() - killed_at >= milliseconds(1000));

  std::map<std::string, int> scans;
  for (const auto& folder : record_lines(a_dir.record())) ++scans[folder];
  for (const auto& folder : record_lines(b_dir.record())) ++scans[folder];
  std::size_t lost = 0, invented = 0;
  for (const auto& folder : acknowledged) lost += scans.count(folder) ? 0 : 1;
  for (const auto& [folder, count] : scans) invented += sent.count(folder) ? 0 : 1;
  CHECK(lost == 0);
  CHECK(invented == 0);
  CHECK(record_lines(a_dir.record()).size() == delivered_by_a);  // a is dead
  // A folder is scanned twice only when a had sent it to the target and died
  // before recording it (its lease then went to b): at most its one batch in flight.
  std::size_t duplicates = 0, duplicates_outside_leases = 0;
  for (const auto& [folder, count] : scans) {
    if (count < 2) continue;
    ++duplicates;
    duplicates_outside_leases += dead_leases.count(folder) ? 0 : 1;
  }
  CHECK(duplicates_outside_leases == 0);
  CHECK(duplicates <= 5);
  // b delivered each of the dead instance's leases, and not before it expired.
  for (const auto& [folder, lease_until] : dead_leases) {
    const auto row = sql.run(
        "SELECT instance, finished_at FROM history WHERE folder = $1 AND outcome = 'ok' "
        "ORDER BY id DESC LIMIT 1",
        {folder});
    REQUIRE(row.size() == 1);
    CHECK(row.text(0, 0) == "b");
    CHECK(row.integer(0, 1) >= lease_until);
  }
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
