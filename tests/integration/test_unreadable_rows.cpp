// One unreadable row never turns a listing into a 500: a real database, filled
// by scanhookd, then one row damaged the way a bad page, a hand edit or
// another program leaves it (bytes that are not UTF-8, text in a number's
// column, JSON that does not parse), written with raw SQL as the sqlite3 CLI
// would. The listing answers 200 with every other row, says how many rows it
// left out, and the log names the row once.
#include <signal.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <memory>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/occurrences.hpp"
#include "support/plugin_daemon.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::install_plugins;
using scanhook::testing::occurrences;
using scanhook::testing::run_sql;
using scanhook::testing::TempDir;

namespace {

// scanhookd with a source and a target of the recording test plugin (`queue`:
// the [queue] section's body), run once to fill its database (`fill`, given
// its client) and stopped cleanly; each of `damage` (SQL changing one row)
// then runs on the file as the sqlite3 CLI would, and the daemon starts again.
class DamagedRun {
 public:
  DamagedRun(const std::string& queue, const std::function<void(const DaemonClient&)>& fill,
             const std::vector<std::string>& damage) {
    install_plugins(dir_.path(), {"recorder"});
    const std::string ini =
        "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\nplugin_dir = "
        "{dir}/plugins\n[queue]\n" +
        queue +
        "[source.arr]\nplugin = recorder\n[target.rec]\nplugin = recorder\nrecord = {dir}/rec\n";
    {
      DaemonProcess first(dir_.path(), ini);
      REQUIRE(first.wait_until_listening());
      fill(DaemonClient(first.url()));
      first.send_signal(SIGTERM);
      REQUIRE(first.wait_for_exit() == 0);
    }
    for (const auto& sql : damage) REQUIRE(run_sql(dir_ / "scanhook.db", sql) == 1);
    daemon_ = std::make_unique<DaemonProcess>(dir_.path(), ini);
    REQUIRE(daemon_->wait_until_listening());
    client_ = std::make_unique<DaemonClient>(daemon_->url());
  }

  DaemonProcess& daemon() { return *daemon_; }
  const DaemonClient& client() const { return *client_; }

 private:
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<DaemonClient> client_;
};

void post_folders(const DaemonClient& client) {
  for (const char* folder : {"/tv/One", "/tv/Two", "/tv/Three"})
    REQUIRE(client
                .post("/triggers/arr", std::string(R"({"paths": [")") + folder + R"("]})",
                      "application/json")
                .status == 200);
}

}  // namespace

TEST_CASE("a queued folder whose path is not UTF-8 is left out of /api/queue, the rest listed",
          "[storage]") {
  DamagedRun run("minimum_age = 1h\n", post_folders,
                 {"UPDATE folders SET path = CAST(x'2f74762fc3' AS TEXT) WHERE path = '/tv/Two'",
                  "UPDATE deliveries SET attempts = 'many' WHERE folder_id = "
                  "(SELECT id FROM folders WHERE path = '/tv/Three')"});
  auto& daemon = run.daemon();
  const auto& client = run.client();
  for (int listing = 0; listing < 2; ++listing) {
    const auto queue = client.get_json("/api/queue");
    const auto folders = queue->getArray("folders");
    REQUIRE(folders->size() == 2);
    CHECK(folders->getObject(0)->getValue<std::string>("path") == "/tv/One");
    CHECK(folders->getObject(0)->getArray("deliveries")->size() == 1);
    // The folder stays; only its unreadable delivery is left out.
    CHECK(folders->getObject(1)->getValue<std::string>("path") == "/tv/Three");
    CHECK(folders->getObject(1)->getArray("deliveries")->size() == 0);
    CHECK(queue->getValue<int>("unreadable_rows") == 2);
    CHECK(queue->getValue<int>("total") == 3);
  }
  REQUIRE(daemon.wait_for_output("attempts holds text, not an integer"));
  REQUIRE(daemon.wait_for_output("path holds bytes that are not UTF-8"));
  const std::string log = daemon.output();
  CHECK(occurrences(log, "path holds bytes that are not UTF-8") == 1);
  CHECK(occurrences(log, "attempts holds text, not an integer") == 1);
}

TEST_CASE(
    "a history row with text for its finish time is left out of /api/history, the rest listed",
    "[storage]") {
  DamagedRun run("minimum_age = 0s\n",
                 [](const DaemonClient& client) {
                   post_folders(client);
                   REQUIRE(scanhook::testing::eventually([&] {
                     return client.get_json("/api/history")->getArray("history")->size() == 3;
                   }));
                 },
                 // Text sorts after every number in SQLite: start-up's pruning keeps the row.
                 {"UPDATE history SET finished_at = 'yesterday' WHERE folder = '/tv/Two'"});
  auto& daemon = run.daemon();
  const auto& client = run.client();
  const auto answer = client.get_json("/api/history");
  const auto history = answer->getArray("history");
  REQUIRE(history->size() == 2);
  CHECK(history->getObject(0)->getValue<std::string>("folder") == "/tv/Three");
  CHECK(history->getObject(1)->getValue<std::string>("folder") == "/tv/One");
  CHECK(answer->getValue<int>("unreadable_rows") == 1);
  // The log line may reach us after the answer; a second listing must not add one.
  REQUIRE(daemon.wait_for_output("finished_at holds text, not an integer"));
  CHECK(client.get_json("/api/history")->getArray("history")->size() == 2);
  CHECK(occurrences(daemon.output(), "finished_at holds text, not an integer") == 1);
}

TEST_CASE(
    "a dead letter whose headers are not JSON is left out of /api/deadletters and not replayed",
    "[storage]") {
  DamagedRun run(
      "minimum_age = 1h\n",
      [](const DaemonClient& client) {
        for (int letter = 0; letter < 2; ++letter)  // a relative path: refused at the door, kept
          REQUIRE(client.post("/triggers/arr", R"({"paths": ["tv/Show"]})", "application/json")
                      .status == 400);
      },
      {"UPDATE dead_letters SET headers = '[[\"Host\"' WHERE id = 1"});
  auto& daemon = run.daemon();
  const auto& client = run.client();
  const auto answer = client.get_json("/api/deadletters");
  const auto letters = answer->getArray("dead_letters");
  REQUIRE(letters->size() == 1);
  CHECK(letters->getObject(0)->getValue<int>("id") == 2);
  CHECK(answer->getValue<int>("unreadable_rows") == 1);
  CHECK(client.post("/api/deadletters/1/replay", "", "application/json").status == 404);
  REQUIRE(daemon.wait_for_output("dead_letters row 1 cannot be read"));
  CHECK(occurrences(daemon.output(),
                    "dead_letters row 1 cannot be read (headers is not a JSON list") == 1);
}
