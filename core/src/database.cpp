#include "scanhook/core/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scanhook/core/schema.hpp"

namespace scanhook::core {

namespace {

// The queue holds paths of the user's library and plugins keep tokens in
// their store: the file is the owner's only. SQLite gives its -wal and -shm
// files the database file's mode.
std::string create_private(const std::filesystem::path& file) {
  std::error_code error;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
  if (error)
    throw SqlError("cannot create the folder " + file.parent_path().string() +
                   " for the database: " + error.message());
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw SqlError("cannot open the database " + file.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  ::close(fd);
  return file.string();
}

}  // namespace

Database::Database(const std::filesystem::path& file)
    : file_(file), writer_(create_private(file)), reader_(open_migrated(writer_, file)) {
  reader_.execute("PRAGMA busy_timeout = 5000");
  reader_.execute("PRAGMA synchronous = FULL");
  reader_.execute("PRAGMA foreign_keys = ON");
}

std::string Database::open_migrated(SqlConnection& writer, const std::filesystem::path& file) {
  writer.execute("PRAGMA busy_timeout = 5000");
  auto& mode = writer.prepare("PRAGMA journal_mode = WAL");
  const std::string journal = mode.step() ? mode.text(0) : "";
  mode.reset();
  if (journal != "wal")
    throw SqlError("cannot put the database " + file.string() + " in WAL mode (got \"" + journal +
                   "\")");
  // FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so a power
  // cut could lose a webhook we already answered 2xx. Group commit shares one
  // fsync between all requests waiting, which keeps FULL affordable.
  writer.execute("PRAGMA synchronous = FULL");
  writer.execute("PRAGMA foreign_keys = ON");
  migrate(writer, latest_schema_version());
  return file.string();
}

int Database::schema_version() {
  return read(
      [](SqlConnection& sql) { return static_cast<int>(sql.scalar("PRAGMA user_version")); });
}

bool Database::healthy() noexcept {
  try {
    return read([](SqlConnection& sql) { return sql.scalar("SELECT 1") == 1; });
  } catch (...) {
    return false;
  }
}

void Database::rollback() noexcept {
  try {
    writer_.execute("ROLLBACK");
  } catch (...) {
    // Nothing left to undo when the failure already ended the transaction.
  }
}

}  // namespace scanhook::core
