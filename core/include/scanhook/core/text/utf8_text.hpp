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

// `start`, the first bytes of a longer text, without the UTF-8 sequence its
// end cuts in two (the last 1-3 bytes of a character whose rest is not in
// `start`); otherwise unchanged. A preview then shows whole characters only.
std::string without_cut_character(const std::string& start);

}  // namespace scanhook::core
