// The daemon's SQLite database: opened private (0600), in WAL mode with full
// fsync, migrated to the latest schema. Two connections: writes are
// serialised on one, reads on the other, so a reader (the dispatcher, the
// API, /health) never waits for a commit's fsync (WAL readers see the last
// committed state while a writer works).
#pragma once

#include <filesystem>
#include <mutex>
#include <type_traits>

#include "scanhook/core/sql_connection.hpp"

namespace scanhook::core {

class Database {
 public:
  // Creates the file (and its folder) if needed. Throws SqlError with a clear
  // message when it cannot be opened or migrated.
  explicit Database(const std::filesystem::path& file);

  // Runs `fn(SqlConnection&)` in one write transaction: committed (and
  // fsynced) when fn returns, rolled back when it throws.
  template <class Fn>
  auto write(Fn&& fn) {
    std::lock_guard lock(write_mutex_);
    writer_.execute("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(fn(writer_))>) {
        fn(writer_);
        writer_.execute("COMMIT");
      } else {
        auto result = fn(writer_);
        writer_.execute("COMMIT");
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

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

  const std::filesystem::path& file() const { return file_; }
  int schema_version();
  // True when a trivial query succeeds.
  bool healthy() noexcept;

 private:
  // Puts the file in WAL mode with full sync and migrates it; returns its name
  // for the read connection.
  static std::string open_migrated(SqlConnection& writer, const std::filesystem::path& file);
  void rollback() noexcept;

  std::filesystem::path file_;
  std::mutex write_mutex_;
  SqlConnection writer_;
  std::mutex read_mutex_;
  SqlConnection reader_;
};

}  // namespace scanhook::core
