#include "scanhook/core/text/utf8_text.hpp"

#include <Poco/UTF8Encoding.h>
#include <simdjson.h>

#include <algorithm>

namespace scanhook::core {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at `at`, or 0 when there is none.
// The rules (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF) are Poco's; neither Poco nor simdjson has a function that
// replaces what breaks them. A virtual call per character: only for text
// that is not UTF-8 (is_utf8 checks it first, with simdjson).
std::size_t sequence_length(const std::string& bytes, std::size_t at) {
  static const Poco::UTF8Encoding kUtf8;
  const auto* start = reinterpret_cast<const unsigned char*>(bytes.data()) + at;
  const int left = static_cast<int>(std::min<std::size_t>(bytes.size() - at, 4));
  const int length = kUtf8.sequenceLength(start, left);  // from the lead byte alone
  if (length < 1 || length > left || !Poco::UTF8Encoding::isLegal(start, length)) return 0;
  return static_cast<std::size_t>(length);
}

// The length a UTF-8 sequence whose first byte is `lead` has, or 0 when
// `lead` cannot start one (RFC 3629, section 3).
std::size_t length_from_lead(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

}  // namespace

// simdjson's SIMD check: is_utf8 runs on every event's path, and Poco's
// UTF8Encoding costs ~12,000 instructions per Sonarr webhook here
// (bench/webhook_cpu.sh).
bool is_utf8(const std::string& bytes) {
  return simdjson::validate_utf8(bytes.data(), bytes.size());
}

std::string utf8_text(const std::string& bytes) {
  if (is_utf8(bytes)) return bytes;
  std::string text;
  text.reserve(bytes.size());
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t length = sequence_length(bytes, at);
    if (length == 0) {
      text += kReplacement;
      ++at;
      continue;
    }
    text.append(bytes, at, length);
    at += length;
  }
  return text;
}

std::string without_cut_character(const std::string& start) {
  // The last lead byte within a character's length of the end.
  std::size_t lead = start.size();
  while (lead > 0 && start.size() - lead < 4) {
    --lead;
    if ((static_cast<unsigned char>(start[lead]) & 0xC0) != 0x80) break;
  }
  if (lead == start.size()) return start;
  const std::size_t length = length_from_lead(static_cast<unsigned char>(start[lead]));
  if (length > start.size() - lead) return start.substr(0, lead);
  return start;
}

}  // namespace scanhook::core
