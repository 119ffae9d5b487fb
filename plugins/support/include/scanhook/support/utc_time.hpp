// Times in notification bodies: ISO 8601 in UTC, as Discord's embed
// `timestamp` and most JSON receivers read them.
#pragma once

#include <cstdint>
#include <string>

namespace scanhook::support {

// "2026-11-30T09:00:00.123Z" for milliseconds since the Unix epoch.
std::string iso8601_utc(std::int64_t at_ms);

}  // namespace scanhook::support
