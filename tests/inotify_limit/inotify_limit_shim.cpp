// LD_PRELOAD: inotify_add_watch as under a low fs.inotify.max_user_watches.
// The limit is read from $SCANHOOK_INOTIFY_LIMIT_FILE at each call, so a test
// can "raise" it while the daemon runs; without the file nothing is limited.
#include <dlfcn.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>

namespace {

std::mutex mutex;
std::set<int> live_watches;

long limit_now() {
  const char* file = std::getenv("SCANHOOK_INOTIFY_LIMIT_FILE");
  if (file == nullptr) return -1;
  std::ifstream in(file);
  long limit = -1;
  return in >> limit ? limit : -1;
}

template <class Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int inotify_add_watch(int fd, const char* path,
                                                                        std::uint32_t mask) {
  static const auto next = real<int (*)(int, const char*, std::uint32_t)>("inotify_add_watch");
  std::lock_guard lock(mutex);
  const long limit = limit_now();
  if (limit >= 0 && static_cast<long>(live_watches.size()) >= limit) {
    errno = ENOSPC;
    return -1;
  }
  const int wd = next(fd, path, mask);
  if (wd >= 0) live_watches.insert(wd);
  return wd;
}

extern "C" __attribute__((visibility("default"))) int inotify_rm_watch(int fd, int wd) {
  static const auto next = real<int (*)(int, int)>("inotify_rm_watch");
  {
    std::lock_guard lock(mutex);
    live_watches.erase(wd);
  }
  return next(fd, wd);
}
