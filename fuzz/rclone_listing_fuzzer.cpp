// The rclone plugin's reader of operations/list answers
// (plugins/rclone/listing_parser.cpp, simdjson On-Demand). Finding: a crash,
// a sanitizer report, or an exception other than the documented
// std::runtime_error.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "listing_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  scanhook::rclone::UntimedFiles untimed;
  try {
    (void)scanhook::rclone::parse_listing(json, untimed);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
