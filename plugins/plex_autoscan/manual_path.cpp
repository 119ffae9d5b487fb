#include "manual_path.hpp"

#include <cctype>

namespace scanhook::plex_autoscan {

bool manual_path_is_file(const std::string& path) {
  const auto separator = path.find_last_of("/\\");
  const std::string name = separator == std::string::npos ? path : path.substr(separator + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string extension = name.substr(dot + 1);
  if (extension.size() < 2 || extension.size() > 5) return false;
  bool letter = false;
  for (const char c : extension) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    letter = letter || std::isalpha(static_cast<unsigned char>(c));
  }
  return letter;
}

}  // namespace scanhook::plex_autoscan
