// Checks the power-loss shim itself: run with the shim preloaded on a folder,
// it leaves one file synced and then changed, one never synced, one
// truncated after its sync, one synced through a second descriptor, and dies by SIGKILL before
// anything else is synced. After the cut (tests/support/power_loss_disk.hpp) only the synced states
// may remain: test_power_loss.cpp checks exactly that. Usage: power_loss_probe FOLDER
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int open_in(const std::string& folder, const char* name) {
  const int fd = ::open((folder + "/" + name).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) std::exit(2);
  return fd;
}

void put(int fd, const char* text, off_t offset) {
  const auto size = std::strlen(text);
  if (::pwrite(fd, text, size, offset) != static_cast<ssize_t>(size)) std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string folder = argv[1];
  const int synced = open_in(folder, "synced");
  if (::write(synced, "durable", 7) != 7 || ::fdatasync(synced) != 0) return 2;
  put(synced, "LOST", 0);   // overwrites, not synced
  put(synced, "-tail", 7);  // grows the file, not synced
  const int never = open_in(folder, "never-synced");
  put(never, "lost", 0);
  const int truncated = open_in(folder, "truncated");
  put(truncated, "whole", 0);
  if (::fsync(truncated) != 0 || ::ftruncate(truncated, 2) != 0) return 2;
  // Synced through another descriptor, as scanhookd syncs SQLite's WAL: fdatasync works on the
  // file.
  const int writer = open_in(folder, "synced-elsewhere");
  put(writer, "kept", 0);
  if (::fdatasync(open_in(folder, "synced-elsewhere")) != 0) return 2;
  ::raise(SIGKILL);
  return 3;
}
