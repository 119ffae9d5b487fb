// Where a scanhookd keeps its state, chosen by [server] database: a SQLite
// file (the default: one instance) or a postgresql:// URL (several instances
// sharing one queue). A Store owns the queue, the dead letters, the plugin
// key/value store and require_exists' expected files on that database.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/dead_letter_store.hpp"
#include "scanhook/core/store/expected_file_store.hpp"
#include "scanhook/core/store/plugin_store.hpp"
#include "scanhook/core/store/queue_store.hpp"

namespace scanhook::core {

struct StoreSettings {
  std::string database;  // a SQLite file, or postgresql://user@host:port/db
  std::string password;  // PostgreSQL's ([server] database_password, _file or _env)
  std::string instance;  // this scanhookd's name in a shared store's history and leases
  std::chrono::milliseconds minimum_age{0};
  std::size_t dead_letter_count = 100;
  std::size_t dead_letter_bytes = 64 << 20;
  // PostgreSQL: how long a delivery picked by an instance stays its own; an
  // instance that died loses its leases after this.
  std::chrono::milliseconds lease{60'000};
};

class Store {
 public:
  virtual ~Store() = default;
  virtual QueueStore& queue() = 0;
  virtual DeadLetterStore& dead_letters() = 0;
  virtual PluginStore& plugins() = 0;
  virtual ExpectedFileStore& expected_files() = 0;
  // The notifications' outbox on this store's database. With subscribers,
  // the queue and the dead letters write their notifications into it from
  // now on, in the transactions of what they report; it must outlive their
  // last write.
  virtual std::unique_ptr<NotificationOutbox> open_outbox(
      std::vector<NotifierSubscription> subscribers) = 0;
};

// True for a postgresql:// or postgres:// URL.
bool is_postgres_url(const std::string& database);

// The database for the log: a PostgreSQL URL without its password.
std::string store_name(const std::string& database);

// Opens (creates, migrates) the store `settings.database` names. Throws
// SqlError (SQLite) or PostgresError with a message saying what failed.
std::unique_ptr<Store> open_store(const StoreSettings& settings);

}  // namespace scanhook::core
