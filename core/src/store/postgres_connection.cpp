#include "scanhook/core/store/postgres_connection.hpp"

#include "scanhook/core/store/libpq_library.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

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

// libpq's last error of `connection`, without its trailing newline.
std::string error_of(pg_conn* connection) {
  std::string message = libpq().PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// Connects through libpq itself: a connection that fails is PQfinish-ed
// here. (Poco 1.11's PostgreSQL SessionHandle::connect throws without
// freeing libpq's connection object, ~36 KB per failed attempt: a daemon
// retrying an unreachable database grew without bound.) The URL is libpq's
// own, read by libpq (expand_dbname); a password given apart overrides one
// in it.
pg_conn* connect(const std::string& url, const std::string& password, const std::string& server) {
  const char* keys[] = {"dbname", password.empty() ? nullptr : "password", nullptr};
  const char* values[] = {url.c_str(), password.c_str(), nullptr};
  std::unique_ptr<pg_conn, decltype(&PQfinish)> made(libpq().PQconnectdbParams(keys, values, 1),
                                                     libpq().PQfinish);
  if (!made)
    throw PostgresError("cannot connect to PostgreSQL at " + server + ": out of memory", "08001");
  if (libpq().PQstatus(made.get()) != CONNECTION_OK)
    throw PostgresError("cannot connect to PostgreSQL at " + server + ": " + error_of(made.get()),
                        "08001");
  return made.release();
}

std::string sqlstate_of(pg_result* result) {
  const char* state = result ? libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

}  // namespace

PostgresRows::PostgresRows(pg_result* result) : result_(result, libpq().PQclear) {}

std::size_t PostgresRows::size() const {
  return static_cast<std::size_t>(libpq().PQntuples(result_.get()));
}

std::string PostgresRows::text(std::size_t row, int column) const {
  const int r = static_cast<int>(row);
  return std::string(libpq().PQgetvalue(result_.get(), r, column),
                     static_cast<std::size_t>(libpq().PQgetlength(result_.get(), r, column)));
}

std::int64_t PostgresRows::integer(std::size_t row, int column) const {
  if (is_null(row, column)) return 0;
  return std::stoll(libpq().PQgetvalue(result_.get(), static_cast<int>(row), column));
}

bool PostgresRows::is_null(std::size_t row, int column) const {
  return libpq().PQgetisnull(result_.get(), static_cast<int>(row), column) != 0;
}

std::string PostgresRows::bytes(std::size_t row, int column) const {
  std::size_t size = 0;
  unsigned char* data =
      libpq().PQunescapeBytea(reinterpret_cast<const unsigned char*>(
                                  libpq().PQgetvalue(result_.get(), static_cast<int>(row), column)),
                              &size);
  if (!data) throw PostgresError("cannot decode a bytea value: out of memory", "");
  std::string decoded(reinterpret_cast<const char*>(data), size);
  libpq().PQfreemem(data);
  return decoded;
}

std::int64_t PostgresRows::changed() const {
  const char* count = libpq().PQcmdTuples(result_.get());
  return count && *count ? std::stoll(count) : 0;
}

PostgresConnection::PostgresConnection(const std::string& url, const std::string& password)
    : server_(postgres_server_name(url)),
      handle_(connect(url, password, server_), libpq().PQfinish) {
  // The server's notices ("... already exists, skipping") are not for stderr.
  libpq().PQsetNoticeProcessor(
      handle_.get(), [](void*, const char*) {}, nullptr);
}

void PostgresConnection::fail(const std::string& what, pg_result* result) {
  const std::string message = error_of(handle_.get());
  const std::string state = sqlstate_of(result);
  if (result) libpq().PQclear(result);
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
    pg_result* made = libpq().PQprepare(handle_.get(), name.c_str(), sql.c_str(),
                                        static_cast<int>(params.size()), nullptr);
    if (!made || libpq().PQresultStatus(made) != PGRES_COMMAND_OK)
      fail("cannot prepare \"" + sql.substr(0, 80) + "\"", made);
    libpq().PQclear(made);
    statement = prepared_.emplace(sql, name).first;
  }
  pg_result* result = libpq().PQexecPrepared(handle_.get(), statement->second.c_str(),
                                             static_cast<int>(params.size()), values.data(),
                                             lengths.data(), formats.data(), 0);
  const ExecStatusType status = result ? libpq().PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("cannot run \"" + sql.substr(0, 80) + "\"", result);
  return PostgresRows(result);
}

void PostgresConnection::execute(const std::string& sql) {
  pg_result* result = libpq().PQexec(handle_.get(), sql.c_str());
  const ExecStatusType status = result ? libpq().PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail("cannot run \"" + sql.substr(0, 80) + "\"", result);
  libpq().PQclear(result);
}

void PostgresConnection::recover() noexcept {
  if (libpq().PQstatus(handle_.get()) == CONNECTION_BAD) {
    libpq().PQreset(handle_.get());
    prepared_.clear();  // a new session has none
    return;
  }
  // A failed statement inside BEGIN leaves the transaction aborted.
  if (libpq().PQtransactionStatus(handle_.get()) != PQTRANS_IDLE)
    libpq().PQclear(libpq().PQexec(handle_.get(), "ROLLBACK"));
}

int PostgresConnection::socket() const {
  return libpq().PQsocket(handle_.get());
}

std::vector<std::string> PostgresConnection::notifications() {
  if (libpq().PQconsumeInput(handle_.get()) == 0) fail("the listening connection broke", nullptr);
  std::vector<std::string> payloads;
  while (PGnotify* notify = libpq().PQnotifies(handle_.get())) {
    payloads.emplace_back(notify->extra ? notify->extra : "");
    libpq().PQfreemem(notify);
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
