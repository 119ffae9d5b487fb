#include "scanhook/core/store/postgres_connection.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionHandle.h>
#include <Poco/Data/PostgreSQL/Utility.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <libpq-fe.h>

namespace scanhook::core {

std::string postgres_server_name(const std::string& url) {
  try {
    const Poco::URI uri(url);
    std::string user = uri.getUserInfo();
    user = user.substr(0, user.find(':'));
    return (user.empty() ? "" : user + "@") + uri.getHost() +
           (uri.getPort() ? ":" + std::to_string(uri.getPort()) : "") + uri.getPath();
  } catch (const Poco::Exception&) {
    return "the database URL";
  }
}

namespace {

// libpq's key=value form of the URL (Poco's connector reads no other), with
// a password given apart; a value is quoted, its ' and \ escaped.
std::string connection_string(const std::string& url, const std::string& password) {
  const Poco::URI uri(url);
  std::string settings;
  const auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    settings += (settings.empty() ? "" : " ") + key + "='";
    for (const char c : value) {
      if (c == '\'' || c == '\\') settings += '\\';
      settings += c;
    }
    settings += "'";
  };
  const std::string user_info = uri.getUserInfo();
  const auto colon = user_info.find(':');
  add("user", user_info.substr(0, colon));
  add("password",
      password.empty() && colon != std::string::npos ? user_info.substr(colon + 1) : password);
  add("host", uri.getHost());
  if (uri.getPort() != 0) add("port", std::to_string(uri.getPort()));
  add("dbname", uri.getPath().empty() ? "" : uri.getPath().substr(1));
  for (const auto& [key, value] : uri.getQueryParameters()) add(key, value);
  return settings;
}

Poco::Data::Session open_session(const std::string& url, const std::string& password,
                                 const std::string& server) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  try {
    const std::string settings = connection_string(url, password);
    return Poco::Data::Session(Poco::Data::PostgreSQL::Connector::KEY, settings);
  } catch (const Poco::Exception& error) {
    throw PostgresError("cannot connect to PostgreSQL at " + server + ": " + error.displayText(),
                        "08001");
  }
}

std::string sqlstate_of(pg_result* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

}  // namespace

PostgresRows::PostgresRows(pg_result* result) : result_(result, PQclear) {}

std::size_t PostgresRows::size() const {
  return static_cast<std::size_t>(PQntuples(result_.get()));
}

std::string PostgresRows::text(std::size_t row, int column) const {
  const int r = static_cast<int>(row);
  return std::string(PQgetvalue(result_.get(), r, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), r, column)));
}

std::int64_t PostgresRows::integer(std::size_t row, int column) const {
  if (is_null(row, column)) return 0;
  return std::stoll(PQgetvalue(result_.get(), static_cast<int>(row), column));
}

bool PostgresRows::is_null(std::size_t row, int column) const {
  return PQgetisnull(result_.get(), static_cast<int>(row), column) != 0;
}

std::string PostgresRows::bytes(std::size_t row, int column) const {
  std::size_t size = 0;
  unsigned char* data = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(
                                            result_.get(), static_cast<int>(row), column)),
                                        &size);
  if (!data) throw PostgresError("cannot decode a bytea value: out of memory", "");
  std::string decoded(reinterpret_cast<const char*>(data), size);
  PQfreemem(data);
  return decoded;
}

std::int64_t PostgresRows::changed() const {
  const char* count = PQcmdTuples(result_.get());
  return count && *count ? std::stoll(count) : 0;
}

PostgresConnection::PostgresConnection(const std::string& url, const std::string& password)
    : server_(postgres_server_name(url)),
      session_(open_session(url, password, server_)),
      handle_(*Poco::Data::PostgreSQL::Utility::handle(session_)) {
  // The server's notices ("... already exists, skipping") are not for stderr.
  PQsetNoticeProcessor(
      handle_, [](void*, const char*) {}, nullptr);
}

void PostgresConnection::fail(const std::string& what, pg_result* result) {
  std::string message = PQerrorMessage(handle_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const std::string state = sqlstate_of(result);
  if (result) PQclear(result);
  throw PostgresError(what + " (PostgreSQL at " + server_ + "): " + message, state);
}

PostgresRows PostgresConnection::run(const std::string& sql,
                                     const std::vector<PostgresParam>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    values.push_back(param.value ? param.value->data() : nullptr);
    lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
    formats.push_back(param.binary ? 1 : 0);
  }
  auto statement = prepared_.find(sql);
  if (statement == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size());
    pg_result* made =
        PQprepare(handle_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr);
    if (!made || PQresultStatus(made) != PGRES_COMMAND_OK)
      fail("cannot prepare \"" + sql.substr(0, 80) + "\"", made);
    PQclear(made);
    statement = prepared_.emplace(sql, name).first;
  }
  pg_result* result =
      PQexecPrepared(handle_, statement->second.c_str(), static_cast<int>(params.size()),
                     values.data(), lengths.data(), formats.data(), 0);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("cannot run \"" + sql.substr(0, 80) + "\"", result);
  return PostgresRows(result);
}

void PostgresConnection::execute(const std::string& sql) {
  pg_result* result = PQexec(handle_, sql.c_str());
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("cannot run \"" + sql.substr(0, 80) + "\"", result);
  PQclear(result);
}

void PostgresConnection::recover() noexcept {
  if (PQstatus(handle_) == CONNECTION_BAD) {
    PQreset(handle_);
    prepared_.clear();  // a new session has none
    return;
  }
  // A failed statement inside BEGIN leaves the transaction aborted.
  if (PQtransactionStatus(handle_) != PQTRANS_IDLE) PQclear(PQexec(handle_, "ROLLBACK"));
}

int PostgresConnection::socket() const {
  return PQsocket(handle_);
}

std::vector<std::string> PostgresConnection::notifications() {
  if (PQconsumeInput(handle_) == 0) fail("the listening connection broke", nullptr);
  std::vector<std::string> payloads;
  while (PGnotify* notify = PQnotifies(handle_)) {
    payloads.emplace_back(notify->extra ? notify->extra : "");
    PQfreemem(notify);
  }
  return payloads;
}

std::string postgres_text_array(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) literal += ',';
    literal += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

}  // namespace scanhook::core
