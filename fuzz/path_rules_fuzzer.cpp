// Rewrite, include and exclude rules, compiled and applied as a source's and
// a target's (core/src/pipeline/path_rules.cpp, RE2), and the door's path checks. The
// input is lines: a rewrite rule, an include regex, an exclude regex (an
// empty line: none), then paths. Finding: a crash, a sanitizer report, a
// hang, or an exception other than the documented std::invalid_argument.
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/path_rules.hpp"

namespace {

std::vector<std::string> one_or_none(const std::string& line) {
  return line.empty() ? std::vector<std::string>{} : std::vector<std::string>{line};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scanhook::core;
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  std::string rewrite, include, exclude;
  std::getline(input, rewrite);
  std::getline(input, include);
  std::getline(input, exclude);
  (void)PathRules::check_rule(rewrite);
  PathRules rules;
  try {
    rules = PathRules(one_or_none(rewrite), one_or_none(include), one_or_none(exclude));
  } catch (const std::invalid_argument&) {
  }
  for (std::string path; std::getline(input, path);) {
    // The intake's order: rewrite, check, filter; then a target's rules on the folder.
    const Rewritten rewritten = rules.rewrite(path);
    const CheckedPath checked = check_path(rewritten.path);
    (void)quoted_excerpt(path);
    (void)is_windows_path(path);
    if (!checked.ok()) continue;
    (void)rules.filter(checked.path);
    const std::string folder = parent_folder(checked.path);
    const CheckedPath out = check_target_path(rules.rewrite(folder).path);
    if (out.ok()) (void)rules.filter(out.path);
  }
  return 0;
}
