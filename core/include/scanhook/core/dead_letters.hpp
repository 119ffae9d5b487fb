// Webhook requests that could not be used (a body the plugin did not
// understand, a path refused at the door, a failure), kept for inspection and
// replay; bounded in count and bytes, the oldest go first. Credentials
// (Authorization, Cookie, X-Scanhook-Token, ?token=) are never kept.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/database.hpp"
#include "scanhook/core/queue.hpp"
#include "scanhook/core/unreadable_rows.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

struct DeadLetter {
  std::int64_t id = 0;
  std::string source;
  Millis received_at = 0;
  HeaderList headers;
  HeaderList query;
  std::string body;
  std::string error;
  int attempts = 1;
};

class DeadLetters {
 public:
  DeadLetters(Database& database, std::size_t max_count, std::size_t max_bytes);

  // The new letter's id; nullopt when its body alone exceeds max_bytes.
  // `also`, if given, runs inside the letter's transaction (its notification).
  std::optional<std::int64_t> keep(const std::string& source, const HttpRequest& request,
                                   const std::string& error, Millis now,
                                   const std::function<void(SqlConnection&)>& also = {});
  // A page of letters, newest first; a row that cannot be read (row_reader.hpp)
  // is left out and noted in unreadable().
  std::vector<DeadLetter> list(std::size_t limit, std::size_t offset);
  // nullopt when there is no such letter or it cannot be read.
  std::optional<DeadLetter> find(std::int64_t id);
  // Rows of "dead_letters" that list() and find() left out.
  const UnreadableRows& unreadable() const { return unreadable_; }
  // False when there was no such letter.
  bool remove(std::int64_t id);
  // A replay that failed again: the new error, one more attempt.
  void failed_again(std::int64_t id, const std::string& error);
  // The request as its source saw it (for a replay).
  static HttpRequest request_of(const DeadLetter& letter);

 private:
  Database& database_;
  std::size_t max_count_;
  std::size_t max_bytes_;
  UnreadableRows unreadable_;
};

}  // namespace scanhook::core
