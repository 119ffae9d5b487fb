// An LD_PRELOAD "disk" for the power-loss tests, the way SQLite tests itself
// (its test VFS keeps unsynced writes apart): what a process writes to the
// files of one folder reaches a shadow copy of that folder only when the file
// is fsynced. A power cut is then: SIGKILL the process and replace the folder
// with the shadow (tests/support/power_loss_disk.hpp), so every write that was
// not synced is gone, as after a real power loss, while the kernel's page
// cache would have kept it after a mere kill.
//
// Environment: SCANHOOK_POWER_LOSS_DIR, the folder whose files are watched
// (canonical path; files directly in it, except SQLite's "-shm", which SQLite
// rebuilds after a crash); SCANHOOK_POWER_LOSS_SHADOW, the shadow folder;
// SCANHOOK_POWER_LOSS_SYNC_DELAY_US, how long an fsync takes before its data
// is durable (a real disk's latency; 0 by default).
//
// Intercepted: write, pwrite(64), ftruncate(64), fsync, fdatasync, unlink:
// what SQLite's unix VFS and scanhookd use (strace). A write through any
// other call never reaches the shadow, so it shows as lost: the model errs
// towards failing a test, never towards passing one. Directory entries are
// not modelled: a file exists after the cut once it was synced, and a delete
// (SQLite's journal of its switch to WAL) is durable at once.
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace {

// One change not yet synced: bytes at an offset, or a new length.
struct Pending {
  off_t offset = 0;
  std::string bytes;
  bool truncate = false;
};

struct File {
  std::string name;  // within the watched folder
  std::deque<Pending> pending;
  std::uint64_t recorded = 0;  // changes ever made; the first recorded - pending.size() are durable
};

template <class Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

using WriteFn = ssize_t (*)(int, const void*, size_t);
using PwriteFn = ssize_t (*)(int, const void*, size_t, off_t);
using TruncateFn = int (*)(int, off_t);
using SyncFn = int (*)(int);

struct Disk {
  std::string dir = env("SCANHOOK_POWER_LOSS_DIR");
  std::string shadow = env("SCANHOOK_POWER_LOSS_SHADOW");
  long sync_delay_us = std::atol(env("SCANHOOK_POWER_LOSS_SYNC_DELAY_US").c_str());
  WriteFn write = real<WriteFn>("write");
  PwriteFn pwrite = real<PwriteFn>("pwrite64");
  TruncateFn ftruncate = real<TruncateFn>("ftruncate64");
  SyncFn fsync = real<SyncFn>("fsync");
  SyncFn fdatasync = real<SyncFn>("fdatasync");
  int (*unlink)(const char*) = real<int (*)(const char*)>("unlink");
  std::mutex mutex;
  std::map<std::pair<dev_t, ino_t>, File> files;  // by inode: any descriptor may sync

  static std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
  }

  // The name of `path` in the watched folder, or "" when it is not watched.
  std::string watched_name(const std::string& path) const {
    if (dir.empty() || shadow.empty() || path.size() <= dir.size() + 1 ||
        path.compare(0, dir.size(), dir) != 0 || path[dir.size()] != '/')
      return "";
    const std::string name = path.substr(dir.size() + 1);
    if (name.find('/') != std::string::npos ||
        (name.size() >= 4 && name.compare(name.size() - 4, 4, "-shm") == 0))
      return "";
    return name;
  }

  // The watched file behind `fd`, or nullptr. Called with `mutex` held.
  File* watched(int fd) {
    struct stat status;
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return nullptr;
    char link[64], target[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t length = ::readlink(link, target, sizeof target - 1);
    if (length <= 0) return nullptr;
    const std::string name = watched_name(std::string(target, static_cast<std::size_t>(length)));
    if (name.empty()) return nullptr;
    File& file = files[{status.st_dev, status.st_ino}];
    file.name = name;
    return &file;
  }

  // Makes `file`'s changes up to the `upto`th durable: applies them to its shadow.
  void apply(File& file, std::uint64_t upto) {
    const std::string path = shadow + "/" + file.name;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) std::abort();  // a broken shadow would fail the test for the wrong reason
    for (; !file.pending.empty() && file.recorded - file.pending.size() < upto;
         file.pending.pop_front()) {
      const Pending& change = file.pending.front();
      if (change.truncate) {
        if (ftruncate(fd, change.offset) != 0) std::abort();
      } else if (pwrite(fd, change.bytes.data(), change.bytes.size(), change.offset) !=
                 static_cast<ssize_t>(change.bytes.size())) {
        std::abort();
      }
    }
    ::close(fd);
  }

  // An fsync makes durable what was written before it was called, once the
  // disk is done: a cut before then loses it, and so it does what is written
  // meanwhile (the committer's next batch) until the next fsync.
  int sync(int fd, SyncFn next) {
    std::uint64_t upto = 0;
    {
      std::lock_guard lock(mutex);
      File* file = watched(fd);
      if (!file) return next(fd);
      upto = file->recorded;
    }
    if (sync_delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(sync_delay_us));
    std::lock_guard lock(mutex);
    if (File* file = watched(fd)) apply(*file, upto);
    return 0;
  }
};

Disk& disk() {
  static Disk instance;
  return instance;
}

void record(File& file, off_t offset, const void* data, ssize_t written) {
  if (written <= 0) return;
  file.pending.push_back(
      {offset, std::string(static_cast<const char*>(data), static_cast<std::size_t>(written)),
       false});
  ++file.recorded;
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
  Disk& d = disk();
  std::lock_guard lock(d.mutex);
  File* file = d.watched(fd);
  const ssize_t written = d.write(fd, data, size);
  if (file && written > 0) record(*file, ::lseek(fd, 0, SEEK_CUR) - written, data, written);
  return written;
}

ssize_t pwrite64(int fd, const void* data, size_t size, off_t offset) {
  Disk& d = disk();
  std::lock_guard lock(d.mutex);
  File* file = d.watched(fd);
  const ssize_t written = d.pwrite(fd, data, size, offset);
  if (file) record(*file, offset, data, written);
  return written;
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  return pwrite64(fd, data, size, offset);
}

int ftruncate64(int fd, off_t length) {
  Disk& d = disk();
  std::lock_guard lock(d.mutex);
  File* file = d.watched(fd);
  const int result = d.ftruncate(fd, length);
  if (file && result == 0) {
    file->pending.push_back({length, "", true});
    ++file->recorded;
  }
  return result;
}

int ftruncate(int fd, off_t length) {
  return ftruncate64(fd, length);
}

int unlink(const char* path) {
  Disk& d = disk();
  std::lock_guard lock(d.mutex);
  struct stat status;
  const bool exists = ::stat(path, &status) == 0;
  const int result = d.unlink(path);
  const std::string name = exists && result == 0 ? d.watched_name(path) : "";
  if (!name.empty()) {
    d.files.erase({status.st_dev, status.st_ino});
    d.unlink((d.shadow + "/" + name).c_str());
  }
  return result;
}

int fsync(int fd) {
  return disk().sync(fd, disk().fsync);
}

int fdatasync(int fd) {
  return disk().sync(fd, disk().fdatasync);
}

}  // extern "C"
