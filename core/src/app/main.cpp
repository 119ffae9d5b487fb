// scanhookd: the daemon's entry point.
#include <malloc.h>

#include <string>
#include <vector>

#include "scanhook/core/app/daemon.hpp"
#include "scanhook/core/config/command_line.hpp"

int main(int argc, char** argv) {
  // glibc gives a thread arena's free top back to the kernel (madvise) once it
  // passes 128 KiB; SQLite's per-statement journal memory made the committer do
  // that on most commits, each time with a TLB shootdown across the cores (16%
  // of the daemon's CPU under /api/scan load). Trim only past 4 MiB (at most
  // 4 MiB kept idle per arena); allocations of 128 KiB or more are still mmap'd and
  // returned on free.
  mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  // A plugin command's own options never reach Poco's option parser.
  auto line = scanhook::core::split_command_line(std::vector<std::string>(argv, argv + argc));
  std::vector<char*> daemon_argv;
  for (auto& word : line.daemon) daemon_argv.push_back(word.data());
  daemon_argv.push_back(nullptr);
  scanhook::core::Daemon daemon(std::move(line.plugin_words));
  return daemon.run_command_line(static_cast<int>(line.daemon.size()), daemon_argv.data());
}
