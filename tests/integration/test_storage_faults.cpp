// The database's disk and file faults, on real filesystems: a tmpfs that is
// full or read-only, a damaged file, another program's SQLite file. Start-up
// must say what is wrong with an exit code systemd can act on (73/74 are
// restarted, 65/78 are not), and /health must not say "ok" while writes fail.
#include <signal.h>
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::run_scanhookd;
using scanhook::testing::run_sql;
using scanhook::testing::TempDir;
using scanhook::testing::TmpfsMount;

namespace {

// Folders stay queued (an hour's minimum age): what a test counts is stored.
std::string ini_with_database(const std::string& database) {
  return "[server]\nlisten = 127.0.0.1:0\ndatabase = " + database +
         "\n[queue]\nminimum_age = 1h\n[target.log]\n";
}

// The INI stays outside the mount (DaemonProcess writes it into its folder).
std::string database_on(const TmpfsMount& disk) {
  return (disk.path() / "scanhook.db").string();
}

int post_manual_scan(const DaemonProcess& daemon, const std::string& folder) {
  return DaemonClient(daemon.url()).post("/triggers/manual?dir=" + folder, "", "").status;
}

std::string table_names(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT group_concat(name, ',') FROM sqlite_master", -1, &statement,
                     nullptr);
  std::string names;
  if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0))
    names = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return names;
}

std::size_t count_lines_with(const std::string& text, const std::string& part) {
  std::istringstream lines(text);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) count += line.find(part) != std::string::npos;
  return count;
}

// A database of scanhook's holding `count` queued folders, the daemon stopped
// cleanly (so the WAL is folded into the file).
void make_queue(const TempDir& dir, int count) {
  DaemonProcess daemon(dir.path(), ini_with_database("{dir}/scanhook.db"));
  REQUIRE(daemon.wait_until_listening());
  for (int i = 0; i < count; ++i)
    REQUIRE(post_manual_scan(daemon, "/tv/Show" + std::to_string(i)) == 200);
  daemon.send_signal(SIGTERM);
  REQUIRE(daemon.wait_for_exit() == 0);
}

}  // namespace

TEST_CASE("a database on a read-only filesystem stops start-up with 73 or 74, never 78",
          "[storage]") {
  TmpfsMount disk(1 << 20);
  if (!disk.available()) {
    WARN(disk.why_unavailable());
    return;
  }
  SECTION("a new database cannot be created there: 73") {
    disk.remount_read_only();
    TempDir config;
    DaemonProcess daemon(config.path(), ini_with_database(database_on(disk)));
    CHECK(daemon.wait_for_exit() == 73);
    // Said before any folder is made, as --check-config says it.
    CHECK_THAT(daemon.output(),
               Contains("cannot open the database") &&
                   Contains(disk.path().string() + " is on a read-only filesystem") &&
                   Contains("not on a read-only filesystem"));
  }
  SECTION("an existing database there cannot be written: 73 or 74") {
    TempDir state;
    make_queue(state, 2);
    std::filesystem::copy_file(state / "scanhook.db", disk.path() / "scanhook.db");
    disk.remount_read_only();
    TempDir config;
    DaemonProcess daemon(config.path(), ini_with_database(database_on(disk)));
    const auto code = daemon.wait_for_exit();
    REQUIRE(code.has_value());
    CHECK((*code == 73 || *code == 74));
    CHECK_THAT(daemon.output(), Contains("cannot open the database"));
  }
}

TEST_CASE("a full disk at start-up exits 74 and says what to do", "[storage]") {
  TmpfsMount disk(256 << 10);
  if (!disk.available()) {
    WARN(disk.why_unavailable());
    return;
  }
  disk.fill();
  TempDir config;
  DaemonProcess daemon(config.path(), ini_with_database(database_on(disk)));
  CHECK(daemon.wait_for_exit() == 74);
  CHECK_THAT(daemon.output(),
             Contains("cannot open the database") && Contains("free space or fix the filesystem"));
}

TEST_CASE("while the disk is full, webhooks get 503 and /health says degraded with the error",
          "[storage]") {
  TmpfsMount disk(4 << 20);
  if (!disk.available()) {
    WARN(disk.why_unavailable());
    return;
  }
  TempDir config;
  DaemonProcess daemon(config.path(), ini_with_database(database_on(disk)));
  REQUIRE(daemon.wait_until_listening());
  DaemonClient client(daemon.url());
  REQUIRE(post_manual_scan(daemon, "/tv/Before") == 200);
  CHECK(client.get_json("/health")->getValue<std::string>("status") == "ok");

  disk.fill();
  // Enough events that the WAL must grow past what it already holds.
  int refused = 0;
  for (int i = 0; i < 200 && refused == 0; ++i)
    if (post_manual_scan(daemon, "/tv/During" + std::to_string(i) + std::string(200, 'x')) == 503)
      ++refused;
  CHECK(refused > 0);
  const auto health = scanhook::support::HttpClient(daemon.url(), {}).send("GET", "/health");
  CHECK(health.status == 503);
  CHECK_THAT(health.body, Contains("\"status\":\"degraded\"") &&
                              Contains("\"last_write_error\":") && Contains("full"));

  CHECK_THAT(health.body, Contains("\"database\":\"unwritable\""));
  // More refused webhooks still log nothing more than the first one did.
  for (int i = 0; i < 5; ++i)
    CHECK(post_manual_scan(daemon, "/tv/Still" + std::to_string(i)) == 503);

  disk.free_filler();
  CHECK(post_manual_scan(daemon, "/tv/After") == 200);
  CHECK(client.get_json("/health")->getValue<std::string>("status") == "ok");
  CHECK(client.queued_folders() >= 2);
  const std::string log = daemon.output();
  CHECK(count_lines_with(log, "cannot be written") == 1);
  CHECK_THAT(log, Contains(database_on(disk) + " cannot be written (") && Contains("full"));
  CHECK(count_lines_with(log, "is written again; ") == 1);
  CHECK(count_lines_with(log, "failed writes meanwhile: ") == 1);
  CHECK_THAT(log, !Contains("failed writes meanwhile: 0"));
}

TEST_CASE("a damaged database is refused at start with 65, and db check lists the damage",
          "[storage]") {
  TempDir dir;
  make_queue(dir, 60);
  const auto file = dir / "scanhook.db";
  // Garbage over one page of the folders' b-tree (the last page the queue
  // wrote): the damage a failing disk or a torn copy leaves.
  {
    const auto size = std::filesystem::file_size(file);
    REQUIRE(size >= 4096 * 4);
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 random(7);
    bytes.seekp(static_cast<std::streamoff>(size - 4096));
    for (int at = 0; at < 4096; ++at) bytes.put(static_cast<char>(random()));
  }
  DaemonProcess daemon(dir.path(), ini_with_database("{dir}/scanhook.db"));
  CHECK(daemon.wait_for_exit() == 65);
  CHECK_THAT(daemon.output(), Contains("is damaged") && Contains("scanhookd db check") &&
                                  Contains("Recovering a damaged database"));

  const auto check = run_scanhookd({"db", "check", "--config", (dir / "scanhook.ini").string()});
  CHECK(check.exit_code == 65);
  CHECK_THAT(check.output, Contains("is damaged"));
}

TEST_CASE("db check on a sound database says ok and counts the waiting folders", "[storage]") {
  TempDir dir;
  make_queue(dir, 3);
  const auto check = run_scanhookd({"db", "check", "--config", (dir / "scanhook.ini").string()});
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.output, Contains(": ok (schema version") && Contains("3 folders waiting"));
  CHECK(
      run_scanhookd({"db", "frobnicate", "--config", (dir / "scanhook.ini").string()}).exit_code ==
      64);
}

TEST_CASE("a SQLite file of another program is refused with 78 and left untouched", "[storage]") {
  TempDir dir;
  const auto file = dir / "photos.db";
  run_sql(file, "CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT)");
  DaemonProcess daemon(dir.path(), ini_with_database("{dir}/photos.db"));
  CHECK(daemon.wait_for_exit() == 78);
  CHECK_THAT(daemon.output(), Contains("a SQLite file of another program"));
  CHECK(table_names(file) == "photos");
}

TEST_CASE("a database from before scanhook marked its files is still scanhook's", "[storage]") {
  TempDir dir;
  make_queue(dir, 2);
  run_sql(dir / "scanhook.db", "PRAGMA application_id = 0");
  DaemonProcess daemon(dir.path(), ini_with_database("{dir}/scanhook.db"));
  REQUIRE(daemon.wait_until_listening());
  CHECK(DaemonClient(daemon.url()).queued_folders() == 2);
}
