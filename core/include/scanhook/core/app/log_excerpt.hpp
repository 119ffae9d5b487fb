// Outside text as one log line shows it: whole when short, else its start and
// its length, so one request (a 1 MB path, a plugin quoting a huge field)
// cannot write megabytes to the log.
#pragma once

#include <cstddef>
#include <string>

#include "scanhook/log_escaped.hpp"

namespace scanhook::core {

// The most bytes of a plugin's message a log line keeps.
inline constexpr std::size_t kLoggedMessageBytes = 4096;

// `text` when it has at most `max_bytes`, else its first `max_bytes` and
// "... (N bytes)".
std::string log_excerpt(const std::string& text, std::size_t max_bytes);

// `text` with control bytes and backslashes escaped: the SDK's log_escaped,
// which plugins use for what they log from outside too.
using ::scanhook::log_escaped;

}  // namespace scanhook::core
