#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <thread>

#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/schema.hpp"
#include "scanhook/core/store/sqlite_expected_files.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::testing::TempDir;

namespace {

std::vector<std::string> tables(SqlConnection& sql) {
  std::vector<std::string> names;
  auto& query = sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (query.step()) names.push_back(query.text(0));
  return names;
}

}  // namespace

TEST_CASE("a new database is private, in WAL mode, at the latest schema", "[database]") {
  TempDir dir;
  Database database(dir / "state" / "scanhook.db");
  struct stat info {};
  REQUIRE(::stat((dir / "state" / "scanhook.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(database.schema_version() == latest_schema_version());
  database.read([](SqlConnection& sql) {
    auto& mode = sql.prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
    mode.reset();
    CHECK(tables(sql) == std::vector<std::string>{"dead_letters", "deliveries", "expected_files",
                                                  "expected_files_had", "folders", "history",
                                                  "meta", "notifications", "plugin_store",
                                                  "sqlite_sequence"});
  });
  CHECK(database.healthy());
}

// What the README says; that it is durable so is pinned by test_power_loss.cpp.
TEST_CASE("the writer commits with synchronous = NORMAL, leaving the WAL's fsync to sync()",
          "[database]") {
  TempDir dir;
  Database database(dir / "scanhook.db");
  database.write([](SqlConnection& sql) { CHECK(sql.scalar("PRAGMA synchronous") == 1); });
}

TEST_CASE("a database is upgraded from each earlier schema version, keeping its rows",
          "[database]") {
  for (int version = 1; version < latest_schema_version(); ++version) {
    DYNAMIC_SECTION("from version " << version) {
      TempDir dir;
      const auto file = dir / "old.db";
      {
        SqlConnection old(file.string());
        migrate(old, version);
        CHECK(old.scalar("PRAGMA user_version") == version);
        old.execute(
            "INSERT INTO folders(path, kind, priority, source, first_event, last_event, events, "
            "generation) VALUES('/tv/Show', 1, 3, 'sonarr', 10, 20, 2, 2);"
            "INSERT INTO deliveries(folder_id, target, generation, priority, due_at) "
            "VALUES(1, 'plex', 2, 3, 20);");
        if (version >= 4)  // dead_letters came with schema 4
          old.execute(
              "INSERT INTO dead_letters(id, source, received_at, headers, query, body, error) "
              "VALUES(1, 'sonarr', 5, '[]', '[]', 'one', 'e'), "
              "(2, 'radarr', 6, '[]', '[]', 'two', 'e');");
      }
      Database upgraded(file);
      CHECK(upgraded.schema_version() == latest_schema_version());
      Queue queue(upgraded, std::chrono::milliseconds(0));
      const auto due = queue.due("plex", 1000, 10, {});
      REQUIRE(due.size() == 1);
      CHECK(due[0].path == "/tv/Show");
      CHECK(due[0].priority == 3);
      CHECK(due[0].generation == 2);
      upgraded.write([&](SqlConnection& sql) {  // the upgraded row is found by its path
        CHECK(queue.enqueue(sql, {"/tv/Show", scanhook::EventKind::modified, 0, "s", {"plex"}},
                            30) == Enqueued::merged);
      });
      CHECK(queue.folder_count() == 1);
      upgraded.read([](SqlConnection& sql) {
        CHECK(tables(sql) == std::vector<std::string>{"dead_letters", "deliveries",
                                                      "expected_files", "expected_files_had",
                                                      "folders", "history", "meta", "notifications",
                                                      "plugin_store", "sqlite_sequence"});
      });
      // Dead letters keep their ids, and the newest one's id, once deleted, is
      // not handed out again (schema 10).
      upgraded.write([&](SqlConnection& sql) {
        if (version >= 4) {
          CHECK(sql.scalar("SELECT count(*) FROM dead_letters WHERE id = 2 AND body = 'two'") == 1);
          sql.execute("DELETE FROM dead_letters WHERE id = 2");
        }
        sql.execute(
            "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
            "VALUES('sonarr', 7, '[]', '[]', 'three', 'e')");
        CHECK(sql.scalar("SELECT max(id) FROM dead_letters") == (version >= 4 ? 3 : 1));
      });
      // require_exists' files (schema 9) are kept and found on the upgraded file.
      SqliteExpectedFiles expected(upgraded);
      expected.add({{"/tv/Show", {"/tv/Show/e1.mkv", ""}}}, 40, 0);
      CHECK(expected.of("/tv/Show", "plex", 0).size() == 1);
    }
  }
}

TEST_CASE("a database from a newer scanhookd is refused with the reason", "[database]") {
  TempDir dir;
  {
    SqlConnection future((dir / "new.db").string());
    future.execute("PRAGMA user_version = 99");
  }
  REQUIRE_THROWS_WITH(
      Database(dir / "new.db"),
      Catch::Contains("schema version 99") && Catch::Contains("written by a newer scanhookd"));
}

// Found when a check-config test started scanhookd (as root) on
// `database = /dev/null`: opening the database chmod-ed the device to 0600.
TEST_CASE("a database path naming a FIFO, directly or by a link, is refused and left as it was",
          "[database]") {
  TempDir dir;
  const auto fifo = dir / "queue.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0666) == 0);
  REQUIRE(::chmod(fifo.c_str(), 0666) == 0);  // whatever the umask made of it
  std::filesystem::create_symlink(fifo, dir / "queue.db");
  for (const auto& named : {fifo, dir / "queue.db"}) {
    INFO(named.string());
    REQUIRE_THROWS_WITH(Database(named), Catch::Contains("is not a regular file"));
    struct stat info {};
    REQUIRE(::stat(fifo.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0666);
  }
}

TEST_CASE("a database opened through a symbolic link keeps and fsyncs its WAL beside the target",
          "[database]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "real");
  std::filesystem::create_directories(dir / "links");
  { Database created(dir / "real" / "queue.db"); }
  std::filesystem::create_symlink(dir / "real" / "queue.db", dir / "links" / "queue.db");
  Database linked(dir / "links" / "queue.db");
  linked.write([](SqlConnection& sql) { sql.execute("INSERT INTO meta VALUES('k', 'v')"); });
  CHECK(std::filesystem::exists(dir / "real" / "queue.db-wal"));
  CHECK_FALSE(std::filesystem::exists(dir / "links" / "queue.db-wal"));
}

TEST_CASE("a write that throws is rolled back", "[database]") {
  TempDir dir;
  Database database(dir / "db");
  REQUIRE_THROWS_AS(database.write([](SqlConnection& sql) {
    sql.execute("INSERT INTO meta(key, value) VALUES('x', 'y')");
    throw std::runtime_error("boom");
  }),
                    std::runtime_error);
  CHECK(database.read([](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM meta"); }) ==
        0);
}

TEST_CASE("the transaction watcher hears of each commit and each rollback", "[database]") {
  struct Counter : Database::TransactionWatcher {
    int commits = 0, rollbacks = 0;
    void committed() override { ++commits; }
    void rolled_back() override { ++rollbacks; }
  } counter, another;
  TempDir dir;
  Database database(dir / "db");
  database.watch_transactions(&counter);
  CHECK_THROWS_AS(database.watch_transactions(&another), std::logic_error);
  database.write([](SqlConnection& sql) { sql.execute("INSERT INTO meta VALUES('a', 'b')"); });
  CHECK_THROWS(database.write([](SqlConnection& sql) {
    sql.execute("INSERT INTO meta VALUES('c', 'd')");
    sql.execute("INSERT INTO meta VALUES('a', 'again')");  // the key is taken: throws
  }));
  CHECK(counter.commits == 1);
  CHECK(counter.rollbacks == 1);
  database.watch_transactions(nullptr);
  database.write([](SqlConnection& sql) { sql.execute("DELETE FROM meta"); });
  CHECK(counter.commits == 1);
  database.watch_transactions(&another);
}

TEST_CASE("a read does not wait for a write in progress and sees the last commit", "[database]") {
  TempDir dir;
  Database database(dir / "db");
  database.write([](SqlConnection& sql) { sql.execute("INSERT INTO meta VALUES('a', '1')"); });
  std::atomic<bool> writing{false}, read_done{false};
  std::thread writer([&] {
    database.write([&](SqlConnection& sql) {
      sql.execute("INSERT INTO meta VALUES('b', '2')");
      writing = true;
      // Holds the write transaction open until the read has finished.
      while (!read_done) std::this_thread::yield();
    });
  });
  while (!writing) std::this_thread::yield();
  CHECK(database.read([](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM meta"); }) ==
        1);  // 'a' only: 'b' is not committed yet
  read_done = true;
  writer.join();
  CHECK(database.read([](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM meta"); }) ==
        2);
}

TEST_CASE("a read that stops part-way does not keep later reads on its snapshot", "[database]") {
  TempDir dir;
  Database database(dir / "db");
  database.write([](SqlConnection& sql) {
    sql.execute("INSERT INTO meta VALUES('a', '1'); INSERT INTO meta VALUES('b', '2')");
  });
  const std::string first = database.read([](SqlConnection& sql) {
    auto& keys = sql.prepare("SELECT key FROM meta ORDER BY key");
    return keys.step() ? keys.text(0) : std::string{};  // left on its first row
  });
  CHECK(first == "a");
  database.write([](SqlConnection& sql) { sql.execute("INSERT INTO meta VALUES('c', '3')"); });
  CHECK(database.read([](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM meta"); }) ==
        3);
}

TEST_CASE("a commit leaves the checkpoint to sync(), which runs it once the WAL is large",
          "[database]") {
  TempDir dir;
  Database database(dir / "db");
  const auto main_file_size = [&] { return std::filesystem::file_size(dir / "db"); };
  const auto before = main_file_size();
  // About 1,200 pages of 4 KiB: past the 1,000-page mark.
  database.write_unsynced([](SqlConnection& sql) {
    for (int i = 0; i < 1200; ++i)
      sql.prepare("INSERT INTO meta VALUES(?1, zeroblob(4000))").bind(1, std::to_string(i)).run();
  });
  CHECK(main_file_size() == before);  // all of it still in the WAL
  database.sync();
  CHECK(main_file_size() > before + 1000 * 4000);
  CHECK(database.read([](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM meta"); }) >=
        1200);
}
