// A count with its noun in the right number, for what users read (log lines,
// answers): counted(1, "folder") is "1 folder", counted(3, "folder") "3
// folders", counted(2, "delivery", "deliveries") "2 deliveries". The core and
// the plugins share it (SDK 1.2, header-only: no ABI).
#pragma once

#include <cstdint>
#include <string>

namespace scanhook {

// `noun` is the singular; `plural` defaults to it with an "s".
inline std::string counted(std::uint64_t count, const std::string& noun,
                           const std::string& plural = {}) {
  return std::to_string(count) + " " + (count == 1 ? noun : plural.empty() ? noun + "s" : plural);
}

}  // namespace scanhook
