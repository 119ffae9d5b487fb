#include "scanhook/core/store/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scanhook::core {

FileLock::FileLock(const std::filesystem::path& file, const std::string& held_by)
    : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
  if (fd_ < 0)
    throw FileLockError("cannot open the lock file " + file.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int error = errno;
  ::close(fd_);
  if (error == EWOULDBLOCK) throw FileLockError(held_by + " (" + file.string() + " is locked)");
  throw FileLockError("cannot lock " + file.string() + ": " + std::strerror(error));
}

FileLock::~FileLock() {
  ::close(fd_);  // releases the lock
}

}  // namespace scanhook::core
