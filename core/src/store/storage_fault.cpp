#include "scanhook/core/store/storage_fault.hpp"

#include <sqlite3.h>

#include <cerrno>

namespace scanhook::core {

StorageFault storage_fault(const SqlError& error) noexcept {
  if (dynamic_cast<const ForeignDatabase*>(&error)) return StorageFault::foreign;
  switch (error.code() & 0xff) {  // the primary code of an extended one
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StorageFault::damaged;
    case SQLITE_CANTOPEN: return StorageFault::cannot_create;
    case SQLITE_OK: break;
    default: return StorageFault::io;
  }
  switch (error.os_error()) {
    case EROFS:
    case EACCES:
    case EPERM:
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG: return StorageFault::cannot_create;
    default: return StorageFault::io;
  }
}

bool is_storage_failure(const SqlError& error) noexcept {
  switch (error.code() & 0xff) {
    case SQLITE_OK: return error.os_error() != 0;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN: return true;
    default: return false;
  }
}

int exit_code(StorageFault fault) noexcept {
  switch (fault) {
    case StorageFault::cannot_create: return 73;
    case StorageFault::damaged: return 65;
    case StorageFault::foreign: return 78;
    case StorageFault::io: break;
  }
  return 74;
}

std::string remedy(StorageFault fault) {
  switch (fault) {
    case StorageFault::cannot_create:
      return "check that the folder of [server] database exists or can be created, is writable "
             "by this user and is not on a read-only filesystem";
    case StorageFault::damaged:
      return "the database file is damaged: stop scanhookd, run `scanhookd db check` for the "
             "details, then follow \"Recovering a damaged database\" in the README";
    case StorageFault::foreign:
      return "[server] database names a file that is not scanhook's: point it at a new file";
    case StorageFault::io: break;
  }
  return "the disk holding the database failed (full, read-only or an I/O error): free space or "
         "fix the filesystem; scanhookd can be started again as it is";
}

}  // namespace scanhook::core
