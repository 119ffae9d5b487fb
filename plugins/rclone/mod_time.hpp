// rclone's ModTime (Go's RFC 3339 with up to nanoseconds, "Z" or "+hh:mm")
// as nanoseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace scanhook::rclone {

// "2024-03-01T10:20:30.123456789Z" → ns since 1970; nullopt when malformed
// or outside what 64 bits of nanoseconds hold (1677-09-21 to 2262-04-11).
std::optional<std::int64_t> parse_mod_time(std::string_view text);

}  // namespace scanhook::rclone
