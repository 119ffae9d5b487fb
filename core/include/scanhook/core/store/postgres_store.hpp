// The store (store.hpp) on PostgreSQL: a pool of connections, the schema
// migrated at open, and the queue, dead letters and plugin store on it. Every
// instance on one database shares all three.
#pragma once

#include "scanhook/core/notify/postgres_notification_outbox.hpp"
#include "scanhook/core/store/postgres_pool.hpp"
#include "scanhook/core/store/postgres_queue.hpp"
#include "scanhook/core/store/store.hpp"

namespace scanhook::core {

class PostgresDeadLetters final : public DeadLetterStore {
 public:
  PostgresDeadLetters(PostgresPool& pool, std::size_t max_count, std::size_t max_bytes);
  std::optional<std::int64_t> keep(const std::string& source, const HttpRequest& request,
                                   const std::string& error, Millis now) override;
  // Each body's length and first bytes read by SQL (octet_length, substring).
  std::vector<ListedDeadLetter> list(std::size_t limit, std::size_t offset) override;
  std::optional<DeadLetter> find(std::int64_t id) override;
  // Letters whose headers or query are not pairs as pairs_json writes them.
  const UnreadableRows& unreadable() const override { return unreadable_; }
  bool remove(std::int64_t id) override;
  void failed_again(std::int64_t id, const std::string& error) override;
  // With an outbox, keep() writes its dead_letter notification in the letter's transaction.
  void notify_into(const PostgresNotificationOutbox* outbox) { outbox_ = outbox; }

 private:
  PostgresPool& pool_;
  const PostgresNotificationOutbox* outbox_ = nullptr;
  std::size_t max_count_;
  std::size_t max_bytes_;
  UnreadableRows unreadable_;
};

class PostgresPluginStore final : public PluginStore {
 public:
  explicit PostgresPluginStore(PostgresPool& pool) : pool_(pool) {}
  std::optional<std::string> load(const std::string& instance, const std::string& key) override;
  std::vector<std::string> keys(const std::string& instance, const std::string& prefix) override;
  void store_all(const std::string& instance, const std::vector<KeyValueChange>& changes) override;

 private:
  PostgresPool& pool_;
};

class PostgresExpectedFiles final : public ExpectedFileStore {
 public:
  explicit PostgresExpectedFiles(PostgresPool& pool) : pool_(pool) {}
  void add(const std::vector<FolderFile>& files, Millis now, Millis forget_before) override;
  std::vector<ExpectedFile> of(const std::string& folder, const std::string& target,
                               Millis named_since) override;
  void delivered(const std::string& folder, const std::string& target, Millis picked_at) override;

 private:
  PostgresPool& pool_;
};

class PostgresStore final : public Store {
 public:
  // Connects, migrates, and applies minimum_age (PostgresQueue). Throws PostgresError.
  explicit PostgresStore(const StoreSettings& settings);

  QueueStore& queue() override { return queue_; }
  DeadLetterStore& dead_letters() override { return dead_letters_; }
  PluginStore& plugins() override { return plugins_; }
  ExpectedFileStore& expected_files() override { return expected_files_; }
  std::unique_ptr<NotificationOutbox> open_outbox(
      std::vector<NotifierSubscription> subscribers) override;

 private:
  static constexpr std::size_t kConnections = 6;
  PostgresPool pool_;
  PostgresQueue queue_;
  PostgresDeadLetters dead_letters_;
  PostgresPluginStore plugins_;
  PostgresExpectedFiles expected_files_;
};

}  // namespace scanhook::core
