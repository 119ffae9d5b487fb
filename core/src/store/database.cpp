#include "scanhook/core/store/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "scanhook/core/store/database_filesystem.hpp"
#include "scanhook/core/store/schema.hpp"
#include "scanhook/core/store/storage_fault.hpp"

#include <sqlite3.h>

namespace scanhook::core {

namespace {

// The queue holds paths of the user's library and plugins keep tokens in
// their store: the file is the owner's only. SQLite gives its -wal and -shm
// files the database file's mode.
std::string create_private(const std::filesystem::path& file) {
  // Before any folder is made: on cgroupfs a mkdir makes a cgroup.
  if (const auto unfit = database_filesystem_refusal(nearest_existing(file)))
    throw SqlError("cannot use " + file.string() + " for the database: " + *unfit, 0, EACCES);
  std::error_code error;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
  if (error)
    throw SqlError("cannot create the folder " + file.parent_path().string() +
                       " for the database: " + error.message(),
                   0, error.value());
  // A device, FIFO or folder is refused before it is opened (opening a device
  // can act on it) and again after (the name may have changed meanwhile):
  // the mode below must never land on /dev/null or the like, as root least.
  const auto not_regular = [&file] {
    return SqlError(file.string() + " is not a regular file: the database must be a file", 0,
                    ENODEV);
  };
  struct stat status {};
  if (::stat(file.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) throw not_regular();
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
  if (fd < 0)
    throw SqlError("cannot open the database " + file.string() + ": " + std::strerror(errno), 0,
                   errno);
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    throw not_regular();
  }
  ::fchmod(fd, 0600);
  ::close(fd);
  return file.string();
}

// fsync of the folder holding `file`, so that files created in it stay.
void sync_directory(const std::filesystem::path& file) {
  const std::filesystem::path folder =
      file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw SqlError(
        "cannot open the database's folder " + folder.string() + ": " + std::strerror(errno), 0,
        errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0)
    throw SqlError(
        "cannot fsync the database's folder " + folder.string() + ": " + std::strerror(error), 0,
        error);
}

// Refuses a file that SQLite finds damaged (quick_check: every page and
// index, without the slower cross-checks of integrity_check) or that belongs
// to another program, and marks a new or older scanhook file as scanhook's.
void check_identity(SqlConnection& sql, const std::filesystem::path& file) {
  auto& check = sql.prepare("PRAGMA quick_check(5)");
  std::string problems;
  while (check.step()) {
    const std::string line = check.text(0);
    if (line != "ok") problems += "\n  " + line;
  }
  check.reset();
  if (!problems.empty())
    throw SqlError("the database " + file.string() + " is damaged:" + problems, SQLITE_CORRUPT);

  const std::int64_t id = sql.scalar("PRAGMA application_id");
  if (id == Database::kApplicationId) return;
  const std::int64_t objects = sql.scalar("SELECT COUNT(*) FROM sqlite_master");
  // Files from before the mark: scanhook's first table is meta, and its
  // schema version counts from 1.
  const bool older_scanhook =
      sql.scalar(
          "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
          "('meta', 'folders', 'deliveries')") == 3 &&
      sql.scalar("PRAGMA user_version") > 0;
  if (id != 0 || (objects > 0 && !older_scanhook))
    throw ForeignDatabase("the database " + file.string() +
                          " is a SQLite file of another program (application_id " +
                          std::to_string(id) + ", " + std::to_string(objects) +
                          " tables and indexes): scanhook leaves it untouched");
  sql.execute("PRAGMA application_id = " + std::to_string(Database::kApplicationId));
}

}  // namespace

Database::Database(const std::filesystem::path& file)
    : file_(file),
      writer_(create_private(file)),
      reader_(open_migrated(writer_, file)),
      checkpointer_(file.string()),
      write_failure_("the database " + file.string(),
                     "free space or fix the filesystem under " +
                         std::filesystem::absolute(file).parent_path().string()) {
  reader_.execute("PRAGMA busy_timeout = 5000");
  reader_.execute("PRAGMA foreign_keys = ON");
  checkpointer_.execute("PRAGMA busy_timeout = 5000");
  // A connection opens the file, and sees that it is in WAL mode, at its first
  // read; until then a checkpoint through it does nothing.
  checkpointer_.scalar("SELECT COUNT(*) FROM sqlite_master");
  // Replaces SQLite's own automatic checkpoints (see database.hpp).
  sqlite3_wal_hook(
      writer_.handle(),
      [](void* frames, sqlite3*, const char*, int pages) {
        static_cast<std::atomic<int>*>(frames)->store(pages, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      &wal_frames_);
  // Where SQLite keeps the WAL: beside the database file it opened, which is
  // the target of `file` when that is a symbolic link.
  wal_file_ = sqlite3_filename_wal(sqlite3_db_filename(writer_.handle(), "main"));
  // The migrations' commits, and the WAL file's own name: SQLite makes a new
  // WAL's directory entry durable only at its first fsync of the WAL, which
  // with synchronous = NORMAL waits for the first checkpoint.
  sync();
  sync_directory(wal_file_);
}

std::string Database::open_migrated(SqlConnection& writer, const std::filesystem::path& file) {
  writer.execute("PRAGMA busy_timeout = 5000");
  check_identity(writer, file);
  auto& mode = writer.prepare("PRAGMA journal_mode = WAL");
  const std::string journal = mode.step() ? mode.text(0) : "";
  mode.reset();
  if (journal != "wal")
    throw SqlError("cannot put the database " + file.string() + " in WAL mode (got \"" + journal +
                   "\")");
  // NORMAL: a commit is written to the WAL without an fsync; sync() is the
  // fsync, which write() runs before returning and the ingest before it
  // answers (see database.hpp). SQLite still fsyncs the WAL before each
  // checkpoint and the database file after it, so a checkpoint never moves
  // data that is not yet durable.
  writer.execute("PRAGMA synchronous = NORMAL");
  // The writer's page cache: 16 MiB rather than SQLite's 2 MiB, so that the
  // writes into a large queue (a merged folder's row, its deliveries, the
  // deliveries_due index) find their pages in memory instead of reading them
  // back (pread showed in the committer's profile at 200k rows).
  writer.execute("PRAGMA cache_size = -16384");
  writer.execute("PRAGMA foreign_keys = ON");
  migrate(writer, latest_schema_version());
  return file.string();
}

void Database::sync() {
  // fdatasync works on the file, whichever descriptor wrote it: SQLite's
  // writes through its own descriptor are covered. The WAL file stays (and
  // keeps its inode) while the database is open.
  const int fd = ::open(wal_file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const SqlError error("cannot open " + wal_file_ + " to fsync it: " + std::strerror(errno), 0,
                         errno);
    write_failure_.record(error.what());
    throw error;
  }
  const int synced = ::fdatasync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) {
    const SqlError failure("cannot fsync " + wal_file_ + ": " + std::strerror(error), 0, error);
    write_failure_.record(failure.what());
    throw failure;
  }
  checkpoint_if_due();
}

void Database::checkpoint_if_due() {
  if (wal_frames_.load(std::memory_order_relaxed) < kCheckpointFrames) return;
  std::unique_lock lock(checkpoint_mutex_, std::try_to_lock);
  if (!lock) return;  // another thread is at it
  // PASSIVE: copies what it can without waiting for the writer or readers;
  // the writer starts the WAL over once all of it was copied.
  int in_wal = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(checkpointer_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &in_wal,
                                &copied) == SQLITE_OK)
    wal_frames_.store(0, std::memory_order_relaxed);
}

int Database::schema_version() {
  return read(
      [](SqlConnection& sql) { return static_cast<int>(sql.scalar("PRAGMA user_version")); });
}

bool Database::healthy() noexcept {
  // A small probe write could pass where the events' writes still fail (a
  // nearly full disk), so the last real write decides.
  if (last_write_failure()) return false;
  try {
    return read([](SqlConnection& sql) { return sql.scalar("SELECT 1") == 1; });
  } catch (...) {
    return false;
  }
}

std::optional<std::string> Database::last_write_failure() const {
  return write_failure_.last();
}

void Database::watch_transactions(TransactionWatcher* watcher) {
  std::lock_guard lock(write_mutex_);
  if (watcher && watcher_)
    throw std::logic_error("the database's transactions are already watched");
  watcher_ = watcher;
}

void Database::commit() {
  writer_.execute("COMMIT");
  if (watcher_) watcher_->committed();
}

void Database::rollback() noexcept {
  try {
    writer_.execute("ROLLBACK");
  } catch (...) {
    // Nothing left to undo when the failure already ended the transaction.
  }
  if (watcher_) watcher_->rolled_back();
}

}  // namespace scanhook::core
