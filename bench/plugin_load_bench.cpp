// What checking a plugin before loading it costs: for each .so in a folder,
// the median of N rounds of the ELF layout check and the probe in a child
// process, beside a child that only forks and exits: the rest of the probe is
// the library's fresh load (bench/README.md).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "scanhook/core/plugins/elf_layout.hpp"
#include "scanhook/core/plugins/load_probe.hpp"

namespace {

double median_ms(int rounds, const std::function<void()>& work) {
  std::vector<double> times;
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: plugin_load_bench PLUGIN_DIR [ROUNDS]\n");
    return 64;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 51;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1]))
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::printf("%-16s %10s %10s %14s\n", "plugin", "elf ms", "probe ms", "fork+exit ms");
  for (const auto& file : files) {
    const double elf = median_ms(rounds, [&] { (void)scanhook::core::check_elf_layout(file); });
    const double probe = median_ms(rounds, [&] { (void)scanhook::core::probe_load(file); });
    const double plain = median_ms(rounds, [] {
      const pid_t child = ::fork();
      if (child == 0) ::_exit(0);
      ::waitpid(child, nullptr, 0);
    });
    std::printf("%-16s %10.3f %10.3f %14.3f\n", file.stem().c_str(), elf, probe, plain);
  }
  return 0;
}
