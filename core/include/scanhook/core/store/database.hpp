// The daemon's SQLite database: opened private (0600), in WAL mode, migrated
// to the latest schema. Two connections: writes are serialised on one, reads
// on the other, so a reader (the dispatcher, the API, /health) never waits for
// a commit's fsync (WAL readers see the last committed state while a writer
// works).
//
// Durability: SQLite runs with synchronous = NORMAL, which writes a commit to
// the WAL without an fsync, and sync() is the fsync (fdatasync of the WAL
// file). write() calls it before returning, so a write() is as durable as
// with synchronous = FULL. The ingest pipeline commits with write_unsynced()
// and calls sync() from another thread before it answers: the fsync of one
// group of commits then overlaps the next group's SQL work.
//
// Checkpoints (copying the WAL into the database file) are sync()'s too, on a
// connection of their own, once the WAL holds kCheckpointFrames pages: SQLite
// would run them inside the commit that crossed the mark, on the writer, which
// for the ingest is the serial committer.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "scanhook/core/store/sql_connection.hpp"
#include "scanhook/core/store/storage_fault.hpp"
#include "scanhook/core/store/write_failure.hpp"

namespace scanhook::core {

class Database {
 public:
  // scanhook's mark in the file header (PRAGMA application_id): "SCHK".
  static constexpr std::int64_t kApplicationId = 0x5343484B;

  // Told how each write transaction ended, inside it (under the write lock).
  class TransactionWatcher {
   public:
    virtual ~TransactionWatcher() = default;
    virtual void committed() = 0;
    virtual void rolled_back() = 0;
  };

  // Creates the file (and its folder) if needed. Throws SqlError with a clear
  // message when it cannot be opened or migrated (storage_fault() tells what
  // kind of trouble): a damaged file (PRAGMA quick_check) is refused, and so is
  // a SQLite file of another program (ForeignDatabase, left untouched).
  explicit Database(const std::filesystem::path& file);

  // Runs `fn(SqlConnection&)` in one write transaction: committed and
  // durable (fsynced) when write returns, rolled back when fn throws.
  template <class Fn>
  auto write(Fn&& fn) {
    if constexpr (std::is_void_v<decltype(fn(writer_))>) {
      write_unsynced(std::forward<Fn>(fn));
      sync();
    } else {
      auto result = write_unsynced(std::forward<Fn>(fn));
      sync();
      return result;
    }
  }

  // As write(), but durable only once sync() has run after it returns
  // (readers see the commit at once). For the ingest's group commit.
  template <class Fn>
  auto write_unsynced(Fn&& fn) {
    std::lock_guard lock(write_mutex_);
    writer_.execute("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(fn(writer_))>) {
        fn(writer_);
        commit();
        write_failure_.clear();
      } else {
        auto result = fn(writer_);
        commit();
        write_failure_.clear();
        return result;
      }
    } catch (const SqlError& error) {
      rollback();
      if (is_storage_failure(error)) write_failure_.record(error.what());
      throw;
    } catch (...) {
      rollback();
      throw;
    }
  }

  // One watcher at a time (the queue's folder index); nullptr for none. Throws
  // std::logic_error when another is already watching.
  void watch_transactions(TransactionWatcher* watcher);

  // Runs `fn(SqlConnection&)` for reading (each statement sees committed data).
  // Statements fn left part-way are reset afterwards: an unfinished one would
  // hold its snapshot, and later reads would not see newer commits.
  template <class Fn>
  auto read(Fn&& fn) {
    std::lock_guard lock(read_mutex_);
    struct Finish {
      SqlConnection& sql;
      ~Finish() { sql.reset_all(); }
    } finish{reader_};
    return fn(reader_);
  }

  // Makes every transaction committed so far durable: fdatasync of the WAL
  // file; then a checkpoint if one is due. Safe to call from any thread,
  // during writes. Throws SqlError.
  void sync();

  const std::filesystem::path& file() const { return file_; }
  int schema_version();
  // True when a trivial query succeeds and the last write reached the disk:
  // after a write failed for a storage reason (disk full, I/O error), false
  // until a later write succeeds.
  bool healthy() noexcept;
  // The message of the last write that failed for a storage reason, until a
  // later write reached the disk; nullopt when writes work. The changes are
  // logged once each (WriteFailure).
  std::optional<std::string> last_write_failure() const;

 private:
  static constexpr int kCheckpointFrames = 1000;  // as SQLite's own default

  // Puts the file in WAL mode and migrates it; returns its name for the read
  // connection.
  static std::string open_migrated(SqlConnection& writer, const std::filesystem::path& file);
  void commit();
  void rollback() noexcept;
  void checkpoint_if_due();

  std::filesystem::path file_;
  std::string wal_file_;  // the WAL file as SQLite names it
  std::mutex write_mutex_;
  SqlConnection writer_;
  std::mutex read_mutex_;
  SqlConnection reader_;
  std::mutex checkpoint_mutex_;
  SqlConnection checkpointer_;
  std::atomic<int> wal_frames_{0};  // pages in the WAL after the last commit
  TransactionWatcher* watcher_ = nullptr;
  // Set by a write that failed for a storage reason (a failed commit or
  // fsync), cleared by the next commit that succeeds; logs the changes.
  WriteFailure write_failure_;
};

}  // namespace scanhook::core
