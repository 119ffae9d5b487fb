// One connection to PostgreSQL through libpq: parameters bound as text, one
// round trip per statement, LISTEN/NOTIFY. Opened by libpq itself, not Poco's
// PostgreSQL connector, whose failed connects leak (postgres_connection.cpp).
// Not thread-safe: PostgresPool hands each to one thread at a time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/store/sql_statement.hpp"

struct pg_conn;
struct pg_result;

namespace scanhook::core {

// A PostgreSQL failure: `sqlstate()` is the server's five-character code
// ("40P01" a deadlock, "08006" a lost connection), "" when none was given.
class PostgresError : public SqlError {
 public:
  PostgresError(const std::string& what, std::string sqlstate)
      : SqlError(what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  // A deadlock or serialization failure: the whole transaction may be run again.
  bool retryable() const noexcept { return sqlstate_ == "40P01" || sqlstate_ == "40001"; }

 private:
  std::string sqlstate_;
};

// A statement's parameter: text, or bytes (bytea), or SQL NULL.
struct PostgresParam {
  PostgresParam(std::string text) : value(std::move(text)) {}  // NOLINT: implicit by design
  PostgresParam(const char* text) : value(std::string(text)) {}
  PostgresParam(std::int64_t number) : value(std::to_string(number)) {}
  PostgresParam(int number) : value(std::to_string(number)) {}
  PostgresParam(std::size_t number) : value(std::to_string(number)) {}
  static PostgresParam bytes(std::string data) {
    PostgresParam param(std::move(data));
    param.binary = true;
    return param;
  }
  std::optional<std::string> value;
  bool binary = false;
};

// A statement's answer (rows in text form).
class PostgresRows {
 public:
  explicit PostgresRows(pg_result* result);
  std::size_t size() const;
  std::string text(std::size_t row, int column) const;
  std::int64_t integer(std::size_t row, int column) const;
  bool is_null(std::size_t row, int column) const;
  // A bytea column, decoded.
  std::string bytes(std::size_t row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t changed() const;

 private:
  std::shared_ptr<pg_result> result_;
};

class PostgresConnection {
 public:
  // `url`: libpq's postgresql://user@host:port/db[?param=value...];
  // `password`, when not empty, overrides one in it. Throws PostgresError
  // (sqlstate "08001") naming the server; a failed attempt keeps no memory.
  PostgresConnection(const std::string& url, const std::string& password);

  // Runs one statement with $1.. parameters, prepared on its first run on
  // this connection (the queue runs the same few statements per event).
  // Throws PostgresError.
  PostgresRows run(const std::string& sql, const std::vector<PostgresParam>& params = {});
  // Runs one or more statements without parameters.
  void execute(const std::string& sql);
  // After a failure: reconnects when the connection itself broke.
  void recover() noexcept;

  // For LISTEN: the socket to wait on, and the channel payloads received so
  // far (consumes the input). Throws PostgresError when the connection broke.
  int socket() const;
  std::vector<std::string> notifications();

 private:
  [[noreturn]] void fail(const std::string& what, pg_result* result);

  std::string server_;                           // user@host:port/db, for messages
  std::map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> handle_;
};

// user@host:port/db: the URL without a password, for messages.
std::string postgres_server_name(const std::string& url);

// A PostgreSQL text[] literal of `items` ({"a","b"}), for `= ANY($n::text[])`.
std::string postgres_text_array(const std::vector<std::string>& items);

}  // namespace scanhook::core
