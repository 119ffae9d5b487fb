#include "scanhook/core/app/log_excerpt.hpp"

namespace scanhook::core {

std::string log_excerpt(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return text.substr(0, max_bytes) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace scanhook::core
