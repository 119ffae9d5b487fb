// Outside text as one log line shows it: whole when short, else its start and
// its length, so one request (a 1 MB path, a plugin quoting a huge field)
// cannot write megabytes to the log.
#pragma once

#include <cstddef>
#include <string>

namespace scanhook::core {

// The most bytes of a plugin's message a log line keeps.
inline constexpr std::size_t kLoggedMessageBytes = 4096;

// `text` when it has at most `max_bytes`, else its first `max_bytes` and
// "... (N bytes)".
std::string log_excerpt(const std::string& text, std::size_t max_bytes);

// `text` with every control byte (below 0x20, and 0x7f) written as \xNN and
// every backslash as \\, so text from a request (a path with %0A or an ESC
// sequence in it) stays on its own log line and cannot forge another one or
// drive the terminal that shows the log.
std::string log_escaped(const std::string& text);

}  // namespace scanhook::core
