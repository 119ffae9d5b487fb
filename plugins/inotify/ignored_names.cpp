#include "ignored_names.hpp"

#include <sstream>

namespace scanhook::inotify {

IgnoredNames::IgnoredNames(const std::string& suffixes, bool hidden) : hidden_(hidden) {
  std::istringstream in(suffixes);
  for (std::string suffix; std::getline(in, suffix, ',');) {
    const auto first = suffix.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const auto last = suffix.find_last_not_of(" \t");
    suffixes_.push_back(suffix.substr(first, last - first + 1));
  }
}

bool IgnoredNames::ignores(const std::string& name) const {
  if (hidden_ && !name.empty() && name[0] == '.') return true;
  for (const auto& suffix : suffixes_)
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  return false;
}

}  // namespace scanhook::inotify
