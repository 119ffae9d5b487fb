#include "scanhook/core/store/sql_connection.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <mutex>

namespace scanhook::core {

namespace {

// Before the first connection opens: SQLite's own per-connection mutexes
// are off (Database already serialises each connection's use: SQLite's
// "multi-thread" mode), and so is its allocation bookkeeping, which takes a
// global mutex on every malloc. Both showed in the committer's profile.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_shutdown();
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
  });
}

Poco::Data::Session open_session(const std::string& file) {
  configure_sqlite_once();
  Poco::Data::SQLite::Connector::registerConnector();
  return Poco::Data::Session(Poco::Data::SQLite::Connector::KEY, file);
}

}  // namespace

SqlConnection::SqlConnection(const std::string& file)
    : session_(open_session(file)), handle_(Poco::Data::SQLite::Utility::dbHandle(session_)) {}

SqlStatement& SqlConnection::prepare(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    std::string text(sql);
    auto statement = std::make_unique<SqlStatement>(handle_, text);
    found = statements_.emplace(std::move(text), std::move(statement)).first;
  }
  found->second->reset();
  return *found->second;
}

void SqlConnection::execute(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw SqlError("cannot run \"" + sql + "\": " + message, sqlite3_extended_errcode(handle_));
  }
}

std::int64_t SqlConnection::scalar(const std::string& sql) {
  auto& statement = prepare(sql);
  const std::int64_t value = statement.step() ? statement.integer(0) : 0;
  statement.reset();
  return value;
}

void SqlConnection::reset_all() noexcept {
  for (sqlite3_stmt* statement = sqlite3_next_stmt(handle_, nullptr); statement != nullptr;
       statement = sqlite3_next_stmt(handle_, statement))
    if (sqlite3_stmt_busy(statement)) sqlite3_reset(statement);
}

int SqlConnection::changes() const {
  return sqlite3_changes(handle_);
}

std::int64_t SqlConnection::last_insert_id() const {
  return sqlite3_last_insert_rowid(handle_);
}

}  // namespace scanhook::core
