// A count with its noun in the right number, for what users read:
// counted(1, "folder") is "1 folder", counted(3, "folder") "3 folders".
#pragma once

#include <cstddef>
#include <string>

namespace scanhook::core {

// `noun` is the singular; the plural adds an "s" (every noun scanhook counts does).
inline std::string counted(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace scanhook::core
