#include "scanhook/core/store/store.hpp"

#include "scanhook/core/notify/sqlite_notification_outbox.hpp"
#include "scanhook/core/pipeline/dead_letters.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/postgres_store.hpp"
#include "scanhook/core/store/sqlite_expected_files.hpp"
#include "scanhook/core/store/sqlite_plugin_store.hpp"

namespace scanhook::core {

namespace {

// The embedded default: one file, one scanhookd (Queue locks it).
class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const StoreSettings& settings)
      : database_(settings.database),
        queue_(database_, settings.minimum_age),
        dead_letters_(database_, settings.dead_letter_count, settings.dead_letter_bytes),
        plugins_(database_),
        expected_files_(database_) {}

  QueueStore& queue() override { return queue_; }
  DeadLetterStore& dead_letters() override { return dead_letters_; }
  PluginStore& plugins() override { return plugins_; }
  ExpectedFileStore& expected_files() override { return expected_files_; }
  std::unique_ptr<NotificationOutbox> open_outbox(
      std::vector<NotifierSubscription> subscribers) override {
    auto outbox = std::make_unique<SqliteNotificationOutbox>(database_, std::move(subscribers));
    if (outbox->has_subscribers()) {
      queue_.notify_into(outbox.get());
      dead_letters_.notify_into(outbox.get());
    }
    return outbox;
  }

 private:
  Database database_;
  Queue queue_;
  DeadLetters dead_letters_;
  SqlitePluginStore plugins_;
  SqliteExpectedFiles expected_files_;
};

}  // namespace

bool is_postgres_url(const std::string& database) {
  return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

std::string store_name(const std::string& database) {
  return is_postgres_url(database) ? "postgresql://" + postgres_server_name(database) : database;
}

std::unique_ptr<Store> open_store(const StoreSettings& settings) {
  if (is_postgres_url(settings.database)) return std::make_unique<PostgresStore>(settings);
  return std::make_unique<SqliteStore>(settings);
}

}  // namespace scanhook::core
