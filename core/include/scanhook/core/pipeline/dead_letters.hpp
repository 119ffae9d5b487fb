// Dead letters (dead_letter_store.hpp) in SQLite: webhook requests that could
// not be used (a body the plugin did not understand, a path refused at the
// door, a failure).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/dead_letter_store.hpp"
#include "scanhook/core/store/unreadable_rows.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

class SqliteNotificationOutbox;

class DeadLetters final : public DeadLetterStore {
 public:
  DeadLetters(Database& database, std::size_t max_count, std::size_t max_bytes);

  // The new letter's id; nullopt when its body alone exceeds max_bytes.
  // With an outbox (notify_into), its dead_letter notification is written in
  // the letter's transaction.
  std::optional<std::int64_t> keep(const std::string& source, const HttpRequest& request,
                                   const std::string& error, Millis now) override;
  // A page of letters, newest first, each body's size and first bytes read
  // through SQLite's incremental blob I/O, never the whole body; a row that
  // cannot be read (row_reader.hpp) is left out and noted in unreadable().
  std::vector<ListedDeadLetter> list(std::size_t limit, std::size_t offset) override;
  // nullopt when there is no such letter or it cannot be read.
  std::optional<DeadLetter> find(std::int64_t id) override;
  const UnreadableRows& unreadable() const override { return unreadable_; }
  bool remove(std::int64_t id) override;
  void failed_again(std::int64_t id, const std::string& error) override;

  void notify_into(const SqliteNotificationOutbox* outbox) { outbox_ = outbox; }

 private:
  const SqliteNotificationOutbox* outbox_ = nullptr;
  Database& database_;
  std::size_t max_count_;
  std::size_t max_bytes_;
  UnreadableRows unreadable_;
};

}  // namespace scanhook::core
