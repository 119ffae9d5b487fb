// How often a piece of text occurs in a reply (overlaps counted), for checks
// such as "two responses came" or "one event per burst".
#pragma once

#include <cstddef>
#include <string>

namespace scanhook::testing {

inline std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

}  // namespace scanhook::testing
