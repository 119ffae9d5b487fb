// An exclusive advisory lock (flock) on a file, held for the object's life:
// it keeps a second scanhookd from running the same queue.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace scanhook::core {

class FileLockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FileLock {
 public:
  // Creates `file` (mode 0600) if needed and locks it; throws FileLockError
  // saying why when it cannot, `held_by` naming the holder when another has it.
  FileLock(const std::filesystem::path& file, const std::string& held_by);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace scanhook::core
