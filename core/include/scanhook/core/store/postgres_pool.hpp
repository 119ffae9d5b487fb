// A few connections to one PostgreSQL database, each used by one thread at a
// time: the ingest's committer, the dispatcher's targets and the API's
// readers do not wait for each other's round trips.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "scanhook/core/store/postgres_connection.hpp"

namespace scanhook::core {

class PostgresPool {
 public:
  // Opens the first connection at once (throws PostgresError when the server
  // cannot be reached), the others when needed, at most `size` in all.
  PostgresPool(std::string url, std::string password, std::size_t size);

  // Runs fn(PostgresConnection&) on a free connection; a connection whose
  // statement failed is recovered (reconnected, or its transaction ended).
  template <class Fn>
  auto with(Fn&& fn) {
    Lease lease(*this);
    try {
      return fn(*lease.connection);
    } catch (...) {
      lease.connection->recover();
      throw;
    }
  }

  // Runs fn(PostgresConnection&) in one transaction (READ COMMITTED),
  // committed when fn returns: durable then (synchronous_commit). Run again
  // from the start, up to kAttempts times, after a deadlock or serialization
  // failure (several instances locking the same rows in another order).
  template <class Fn>
  auto transaction(Fn&& fn) {
    for (int attempt = 1;; ++attempt) {
      try {
        return with([&](PostgresConnection& sql) {
          sql.execute("BEGIN");
          if constexpr (std::is_void_v<decltype(fn(sql))>) {
            fn(sql);
            sql.execute("COMMIT");
          } else {
            auto result = fn(sql);
            sql.execute("COMMIT");
            return result;
          }
        });
      } catch (const PostgresError& error) {
        if (!error.retryable() || attempt == kAttempts) throw;
      }
    }
  }

  const std::string& url() const { return url_; }
  const std::string& password() const { return password_; }

 private:
  static constexpr int kAttempts = 5;

  struct Lease {
    explicit Lease(PostgresPool& pool);
    ~Lease();
    PostgresPool& pool;
    PostgresConnection* connection;
  };

  std::string url_;
  std::string password_;
  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<PostgresConnection>> all_;
  std::vector<PostgresConnection*> idle_;
  std::size_t opening_ = 0;  // connections being opened, outside the lock
};

}  // namespace scanhook::core
