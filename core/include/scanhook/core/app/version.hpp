// The daemon's version; CMake reads the project version from this line.
#pragma once

namespace scanhook::core {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace scanhook::core
