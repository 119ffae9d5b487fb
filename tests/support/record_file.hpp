// The recorder test target's record file (tests/test_plugins/recorder.cpp):
// one line per folder it scanned, in order.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace scanhook::testing {

inline std::vector<std::string> record_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace scanhook::testing
