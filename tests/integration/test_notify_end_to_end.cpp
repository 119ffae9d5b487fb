// Audiobookshelf, Sonarr and Radarr as targets, and notifications out to
// Discord and a JSON webhook, through the real scanhookd (a child process).
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <csignal>
#include <mutex>
#include <set>

#include "fakes/fake_arr.hpp"
#include "fakes/fake_audiobookshelf.hpp"
#include "fakes/fake_discord.hpp"
#include "fakes/fake_http_server.hpp"
#include "fakes/fake_plex.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/postgres_server.hpp"
#include "support/started_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::fakes::ArrCommand;
using scanhook::fakes::FakeArr;
using scanhook::fakes::FakeAudiobookshelf;
using scanhook::fakes::FakeDiscord;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::FakePlex;
using scanhook::fakes::RecordedRequest;
using scanhook::fakes::WatcherUpdate;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::quick_daemon_ini;
using scanhook::testing::TempDir;

namespace {

const std::string kAbsToken = "abs-api-key-5d1e";
const std::string kArrKey = "3f6c1e0a9b8d4c2e8f7a6b5c4d3e2f1a";
const std::string kPlexToken = "plex-token-4f1a";
const std::string kHookToken = "hook-secret-31";
const std::string kBooks = "5f2b7a10-3c4d-4e8f-9a0b-1c2d3e4f5a6b";

std::string scan_body(const std::vector<std::string>& paths) {
  std::string body = "{\"paths\":[";
  for (std::size_t i = 0; i < paths.size(); ++i) body += (i ? ",\"" : "\"") + paths[i] + "\"";
  return body + "]}";
}

// A JSON webhook receiver: what the `webhook` notifier posted, one entry per notification.
struct Receiver {
  struct Entry {
    std::int64_t id;
    std::string event;
    std::string subject;
    std::string folder;
    std::string reason;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
  FakeHttpServer server{[this](const RecordedRequest& request) {
    const auto body = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
    const auto list = body->getArray("notifications");
    std::lock_guard lock(mutex);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto n = list->getObject(static_cast<unsigned>(i));
      entries.push_back({n->getValue<std::int64_t>("id"), n->getValue<std::string>("event"),
                         n->getValue<std::string>("subject"), n->getValue<std::string>("folder"),
                         n->getValue<std::string>("reason")});
    }
    return HttpReply{204, "", "", {}};
  }};

  std::vector<Entry> of(const std::string& event) {
    std::lock_guard lock(mutex);
    std::vector<Entry> found;
    for (const auto& entry : entries)
      if (entry.event == event) found.push_back(entry);
    return found;
  }
};

}  // namespace

TEST_CASE("Audiobookshelf, Sonarr and Radarr targets get their calls from the running daemon",
          "[e2e][audiobookshelf][arr_target]") {
  FakeAudiobookshelf abs(kAbsToken);
  abs.set_libraries({{kBooks, "Audiobooks", "book", {"/audiobooks"}}});
  FakeArr sonarr(FakeArr::App::sonarr, kArrKey);
  sonarr.set_items({{7, "Northern Lights", "/tv/Northern Lights (2019)"}});
  FakeArr radarr(FakeArr::App::radarr, kArrKey);
  radarr.set_items({{3, "Harbour Lights", "/movies/Harbour Lights (2021)"}});
  TempDir dir;
  DaemonProcess daemon(
      dir.path(), quick_daemon_ini() + "[target.abs]\nplugin = audiobookshelf\nurl = " + abs.url() +
                      "\ntoken = " + kAbsToken +
                      "\ninclude = ^/audiobooks/\n[target.sonarr]\nurl = " + sonarr.url() +
                      "\ntoken = " + kArrKey + "\ninclude = ^/tv/\n[target.radarr]\nurl = " +
                      radarr.url() + "\ntoken = " + kArrKey + "\ninclude = ^/movies/\n");
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());

  REQUIRE(client
              .post("/api/scan",
                    scan_body({"/audiobooks/Ann Leckie/Ancillary Justice",
                               "/tv/Northern Lights (2019)/Season 02", "/tv/Unknown Show",
                               "/movies/Harbour Lights (2021)"}),
                    "application/json")
              .status == 200);
  REQUIRE(eventually([&] { return client.queue_empty(); }));

  CHECK(abs.watcher_updates() ==
        std::vector<WatcherUpdate>{{kBooks, "/audiobooks/Ann Leckie/Ancillary Justice", "add"}});
  CHECK(sonarr.commands() == std::vector<ArrCommand>{{"RescanSeries", 7}});
  CHECK(radarr.commands() == std::vector<ArrCommand>{{"RescanMovie", 3}});
  const auto history = client.get_json("/api/history?target=sonarr")->getArray("history");
  REQUIRE(history->size() == 2);
  bool rejected_seen = false;
  for (std::size_t i = 0; i < history->size(); ++i) {
    const auto row = history->getObject(static_cast<unsigned>(i));
    if (row->getValue<std::string>("folder") != "/tv/Unknown Show") continue;
    rejected_seen = true;
    CHECK(row->getValue<std::string>("outcome") == "rejected");
    CHECK_THAT(row->getValue<std::string>("reason"), Contains("is in no Sonarr series"));
  }
  CHECK(rejected_seen);
}

TEST_CASE(
    "notifications reach Discord and a JSON webhook: delivered, rejected, a target down "
    "and back up, a dead letter",
    "[e2e][notify]") {
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  FakeDiscord discord;
  Receiver receiver;
  TempDir dir;
  DaemonProcess daemon(
      dir.path(),
      quick_daemon_ini() + "[source.sonarr]\ntoken = " + kHookToken +
          "\n[target.plex]\nurl = " + plex.url() + "\ntoken = " + kPlexToken +
          "\n[notify.discord]\nurl = " + discord.webhook_url() +
          "\nevents = delivered, rejected, target_down, target_up, dead_letter\n"
          "batch_wait = 200ms\nmin_interval = 100ms\n[notify.hook]\nplugin = webhook\nurl = " +
          receiver.server.url() +
          "/scanhook\nevents = delivered, rejected, target_down, target_up, dead_letter\n"
          "batch_wait = 50ms\nmin_interval = 50ms\n");
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());

  REQUIRE(client
              .post("/api/scan", scan_body({"/tv/Severance/Season 02", "/srv/elsewhere"}),
                    "application/json")
              .status == 200);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  REQUIRE(eventually([&] { return receiver.of("rejected").size() == 1; }));
  CHECK(receiver.of("delivered").size() == 1);
  CHECK(receiver.of("delivered")[0].folder == "/tv/Severance/Season 02");
  CHECK(receiver.of("rejected")[0].subject == "plex");
  CHECK_THAT(receiver.of("rejected")[0].reason, Contains("in no Plex library"));

  // A proxy in front of Plex answers 503 while Plex is down.
  plex.fail_with(503);
  REQUIRE(
      client.post("/api/scan", scan_body({"/tv/Severance/Season 01"}), "application/json").status ==
      200);
  REQUIRE(eventually([&] { return receiver.of("target_down").size() == 1; }));
  CHECK_THAT(receiver.of("target_down")[0].reason, Contains("503"));
  plex.clear_failure();
  REQUIRE(eventually([&] { return receiver.of("target_up").size() == 1; }));
  REQUIRE(eventually([&] { return receiver.of("delivered").size() == 2; }));

  REQUIRE(
      client.post("/triggers/sonarr?token=" + kHookToken, "{not json", "application/json").status ==
      400);
  REQUIRE(eventually([&] { return receiver.of("dead_letter").size() == 1; }));
  CHECK(receiver.of("dead_letter")[0].subject == "sonarr");

  // Discord got the same story, in messages it accepted.
  REQUIRE(eventually([&] {
    std::size_t lines = 0;
    for (const auto& message : discord.messages())
      for (const auto& embed : message.embeds)
        if (embed.title.rfind("Webhooks kept", 0) == 0) ++lines;
    return lines == 1;
  }));
  CHECK(discord.refusals().empty());
  std::string all;
  for (const auto& message : discord.messages()) all += message.content + "\n";
  CHECK_THAT(all, Contains("delivered") && Contains("rejected") && Contains("target_down") &&
                      Contains("target_up") && Contains("dead_letter"));
}

TEST_CASE("a notification pending when the daemon is killed arrives once after the restart",
          "[e2e][notify][restart]") {
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  Receiver receiver;
  receiver.server.set_down(true);
  TempDir dir;
  const std::string ini = quick_daemon_ini() + "[target.plex]\nurl = " + plex.url() +
                          "\ntoken = " + kPlexToken +
                          "\n[notify.hook]\nplugin = webhook\nurl = " + receiver.server.url() +
                          "/scanhook\nevents = delivered\nbatch_wait = 50ms\nmin_interval = 50ms\n";
  {
    DaemonProcess daemon(dir.path(), ini);
    REQUIRE(daemon.wait_until_listening());
    const DaemonClient client(daemon.url());
    REQUIRE(client.post("/api/scan", scan_body({"/tv/Severance/Season 02"}), "application/json")
                .status == 200);
    REQUIRE(eventually([&] { return client.queue_empty(); }));
    // The scan is done and its notification committed, but the receiver is down.
    REQUIRE(daemon.wait_for_output("[notify.hook] unavailable"));
    const auto metrics = scanhook::support::HttpClient(daemon.url(), {}).send("GET", "/metrics");
    CHECK_THAT(metrics.body, Contains("scanhook_notifications_waiting{notifier=\"hook\"} 1"));
    daemon.send_signal(SIGKILL);
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
  }
  receiver.server.set_down(false);
  DaemonProcess daemon(dir.path(), ini);
  REQUIRE(daemon.wait_until_listening());
  REQUIRE(eventually([&] { return receiver.of("delivered").size() == 1; }));
  // Nothing more comes: the outbox is empty once the receiver took it.
  REQUIRE(daemon.wait_for_output("[notify.hook] sent 1 notification"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto delivered = receiver.of("delivered");
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].folder == "/tv/Severance/Season 02");
  CHECK(plex.refreshed().size() == 1);  // the scan itself was not repeated
}

TEST_CASE(
    "a notification event scanhook does not report is refused by --check-config, naming its line",
    "[e2e][notify]") {
  TempDir dir;
  const auto ini = dir.write("scanhook.ini",
                             "[server]\nlisten = 127.0.0.1:0\nplugin_dir = " +
                                 scanhook::testing::plugin_file("discord").parent_path().string() +
                                 "\n[notify.discord]\nurl = https://discord.com/api/webhooks/1/t\n"
                                 "events = rejected, failed\n");
  const auto result =
      scanhook::testing::run_scanhookd({"--check-config", "--config", ini.string()});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Contains(":6") && Contains("[notify.discord] events") &&
                                Contains("unknown event \"failed\""));
}

TEST_CASE("Discord's rate limit holds a message until its retry_after, then it arrives once",
          "[e2e][notify]") {
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  FakeDiscord discord;
  discord.rate_limit(1, 0.4);
  TempDir dir;
  DaemonProcess daemon(dir.path(),
                       quick_daemon_ini() + "[target.plex]\nurl = " + plex.url() + "\ntoken = " +
                           kPlexToken + "\n[notify.discord]\nurl = " + discord.webhook_url() +
                           "\nevents = delivered\nbatch_wait = 0s\nmin_interval = 0s\n");
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());
  REQUIRE(
      client.post("/api/scan", scan_body({"/tv/Severance/Season 02"}), "application/json").status ==
      200);
  REQUIRE(eventually([&] { return discord.messages().size() == 1; }));
  const auto posts =
      discord.requests_to("POST", discord.webhook_url().substr(discord.url().size()));
  REQUIRE(posts.size() == 2);  // the 429, then the message
  CHECK(posts[1].received - posts[0].received >= std::chrono::milliseconds(900));
  CHECK(discord.messages()[0].embeds.at(0).description.find("/tv/Severance/Season 02") !=
        std::string::npos);
  CHECK_THAT(daemon.output(), Contains("[notify.discord] will retry in 1s"));
}

// Two scanhookd on one PostgreSQL database, the same [notify.hook] in each:
// the notifications of scans either one made reach the receiver once each,
// sent by one instance; with that instance killed, the other sends the rest.
TEST_CASE("two instances on one PostgreSQL database send each notification once",
          "[e2e][notify][postgres]") {
  const std::string url = scanhook::testing::PostgresServer::shared().fresh_database();
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  Receiver receiver;
  const auto ini = [&](const std::string& name) {
    return "[server]\nlisten = 127.0.0.1:0\ndatabase = " + url + "\ninstance_name = " + name +
           "\naccess_log = false\n[queue]\nminimum_age = 0s\nidle_interval = 20ms\n"
           "[target.plex]\nurl = " +
           plex.url() + "\ntoken = " + kPlexToken +
           "\n[notify.hook]\nplugin = webhook\nurl = " + receiver.server.url() +
           "/scanhook\nevents = delivered\nbatch_wait = 50ms\nmin_interval = 50ms\n";
  };
  TempDir a_dir, b_dir;
  auto a = std::make_unique<DaemonProcess>(a_dir.path(), ini("a"));
  REQUIRE(a->wait_until_listening());
  DaemonProcess b(b_dir.path(), ini("b"));
  REQUIRE(b.wait_until_listening());
  const DaemonClient to_a(a->url()), to_b(b.url());
  const auto scan = [](const DaemonClient& client, int i) {
    return client.post("/api/scan", scan_body({"/tv/Show " + std::to_string(i)}),
                       "application/json");
  };
  const auto ids = [&] {
    std::lock_guard lock(receiver.mutex);
    std::set<std::int64_t> unique;
    for (const auto& entry : receiver.entries) unique.insert(entry.id);
    return std::make_pair(unique.size(), receiver.entries.size());
  };
  for (int i = 0; i < 10; ++i) REQUIRE(scan(i % 2 ? to_a : to_b, i).status == 200);
  REQUIRE(eventually([&] { return ids().second >= 10; }, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
  CHECK(ids() == std::make_pair<std::size_t, std::size_t>(10, 10));

  a->send_signal(SIGKILL);
  REQUIRE(a->wait_for_exit() == 128 + SIGKILL);
  a.reset();
  for (int i = 10; i < 15; ++i) REQUIRE(scan(to_b, i).status == 200);
  // If "a" was the sender, "b" takes over once the server sees a's connection gone.
  REQUIRE(eventually([&] { return ids().second >= 15; }, std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(ids() == std::make_pair<std::size_t, std::size_t>(15, 15));
  std::set<std::string> folders;
  for (const auto& entry : receiver.of("delivered")) folders.insert(entry.folder);
  CHECK(folders.size() == 15);
}
