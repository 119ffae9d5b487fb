// Text that is safe to put in a JSON answer: stored bodies (a Plex webhook's
// JPEG part) may hold bytes that are not UTF-8, which would make the JSON invalid.
#pragma once

#include <string>

namespace scanhook::core {

// True when `bytes` is valid UTF-8 (RFC 3629).
bool is_utf8(const std::string& bytes);

// `bytes` with each byte that is not part of a valid UTF-8 sequence replaced
// by U+FFFD; valid UTF-8 comes back unchanged.
std::string utf8_text(const std::string& bytes);

}  // namespace scanhook::core
