// Webhook requests that could not be used, kept for inspection and replay,
// whichever database holds them (DeadLetters: SQLite; PostgresDeadLetters).
// Bounded in count and bytes, the oldest go first. Credentials
// (Authorization, Cookie, X-Scanhook-Token, ?token=) are never kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/core/store/queue_types.hpp"
#include "scanhook/core/store/unreadable_rows.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

class JsonWriter;

// What every view of a dead letter holds: all but its body.
struct DeadLetterHead {
  std::int64_t id = 0;
  std::string source;
  Millis received_at = 0;
  HeaderList headers;
  HeaderList query;
  std::string error;
  int attempts = 1;
};

// One dead letter whole (for a replay, or GET /api/deadletters/{id}).
struct DeadLetter : DeadLetterHead {
  std::string body;
};

// One dead letter as a listing holds it: its body's size and first bytes
// only, so that a page of letters with 10 MB bodies is read, held and
// answered in kilobytes.
struct ListedDeadLetter : DeadLetterHead {
  std::int64_t body_bytes = 0;
  // At most kBodyStartBytes of the body, cut anywhere (even inside a UTF-8 sequence).
  std::string body_start;
};

class DeadLetterStore {
 public:
  virtual ~DeadLetterStore() = default;

  // The new letter's id; nullopt when its body alone exceeds the byte bound.
  virtual std::optional<std::int64_t> keep(const std::string& source, const HttpRequest& request,
                                           const std::string& error, Millis now) = 0;
  // How many of a body's first bytes list() reads.
  static constexpr std::size_t kBodyStartBytes = 256;

  // A page of letters, newest first, without their bodies (ListedDeadLetter).
  virtual std::vector<ListedDeadLetter> list(std::size_t limit, std::size_t offset) = 0;
  virtual std::optional<DeadLetter> find(std::int64_t id) = 0;
  // Rows of "dead_letters" that list() and find() left out because they
  // could not be read (row_reader.hpp).
  virtual const UnreadableRows& unreadable() const = 0;
  // False when there was no such letter.
  virtual bool remove(std::int64_t id) = 0;
  // A replay that failed again: the new error, one more attempt.
  virtual void failed_again(std::int64_t id, const std::string& error) = 0;

  // The request as its source saw it (for a replay).
  static HttpRequest request_of(const DeadLetter& letter);

  // Header or query pairs as the stores keep them (credentials left out): a
  // JSON array of [name, value]. A name or value that is UTF-8 is a JSON
  // string; one that is not is {"base64": "<its bytes in RFC 4648 base64>"},
  // since what was received may hold any bytes (a header value's obs-text,
  // RFC 9110 5.5; a query's %FF) and a replay must send exactly those. Rows
  // written before (by Poco::JSON: strings only, the bytes as they came) read
  // the same when they are UTF-8; ones that are not never could be read.
  static std::string pairs_json(const HeaderList& pairs);
  // The pairs of such a text, or an Error saying what is wrong with it.
  static Expected<HeaderList> pairs_from_json(const std::string& text);
  // One name, value or body as pairs_json writes it: a JSON string when it
  // is UTF-8, else {"base64": "..."}.
  static void write_bytes(JsonWriter& json, const std::string& bytes);
};

}  // namespace scanhook::core
