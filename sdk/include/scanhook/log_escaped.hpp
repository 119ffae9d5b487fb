// Outside text made safe for one log line: every control byte (below 0x20,
// and 0x7f) written as \xNN and every backslash as \\, so text from a request
// or from a server a plugin asks (a path with %0A, a username with a NUL or an
// ESC sequence) stays on its own line and cannot forge another one or drive
// the terminal that shows the log. The core and the plugins share it (SDK 1.2,
// header-only: no ABI).
#pragma once

#include <string>

namespace scanhook {

inline std::string log_escaped(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\\') {
      escaped += "\\\\";
    } else if (byte < 0x20 || byte == 0x7f) {
      escaped += "\\x";
      escaped += kHex[byte >> 4];
      escaped += kHex[byte & 0xf];
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace scanhook
