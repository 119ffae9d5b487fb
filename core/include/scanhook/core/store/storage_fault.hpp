// What kind of trouble a database failure is, for the exit code at start-up
// and for the operator: the disk (full, read-only, failing), a file that
// cannot be created, a damaged file, or a file that is not scanhook's.
#pragma once

#include <string>

#include "scanhook/core/store/sql_statement.hpp"

namespace scanhook::core {

enum class StorageFault {
  io,             // disk full, read-only, I/O error: may pass once the disk recovers
  cannot_create,  // the file or its folder cannot be created or opened
  damaged,        // SQLite found the file corrupt or not a database
  foreign,        // a SQLite file of another program (see ForeignDatabase)
};

// Thrown when the database file holds another program's data: scanhook marks
// its own files (PRAGMA application_id) and never writes into another's.
class ForeignDatabase : public SqlError {
 public:
  using SqlError::SqlError;
};

StorageFault storage_fault(const SqlError& error) noexcept;

// True when the error is the storage's (disk, file) rather than the
// statement's (a constraint, a busy lock, a bug).
bool is_storage_failure(const SqlError& error) noexcept;

// sysexits(3) codes: io 74 (EX_IOERR), cannot_create 73 (EX_CANTCREAT),
// damaged 65 (EX_DATAERR), foreign 78 (EX_CONFIG: the configured path is
// wrong). The systemd unit restarts on 73 and 74 only.
int exit_code(StorageFault fault) noexcept;

// A line for the log that says what to do about the fault.
std::string remedy(StorageFault fault);

}  // namespace scanhook::core
