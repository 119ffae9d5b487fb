// The daemon's SQLite database: opened private (0600), in WAL mode with full
// fsync, migrated to the latest schema. Every use is serialised here.
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
    std::lock_guard lock(mutex_);
    connection_.execute("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(fn(connection_))>) {
        fn(connection_);
        connection_.execute("COMMIT");
      } else {
        auto result = fn(connection_);
        connection_.execute("COMMIT");
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

  // Runs `fn(SqlConnection&)` for reading (each statement sees committed data).
  template <class Fn>
  auto read(Fn&& fn) {
    std::lock_guard lock(mutex_);
    return fn(connection_);
  }

  const std::filesystem::path& file() const { return file_; }
  int schema_version();
  // True when a trivial query succeeds.
  bool healthy() noexcept;

 private:
  void rollback() noexcept;

  std::filesystem::path file_;
  std::mutex mutex_;
  SqlConnection connection_;
};

}  // namespace scanhook::core
