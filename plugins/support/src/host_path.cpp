#include "scanhook/support/host_path.hpp"

#include <cctype>

namespace scanhook::support {

bool is_windows_path(const std::string& path) {
  if (path.size() >= 2 && path[0] == '\\' && path[1] == '\\') return true;
  return path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
         (path[2] == '\\' || path[2] == '/');
}

std::string join_host_path(const std::string& folder, const std::string& relative) {
  const char separator = is_windows_path(folder) ? '\\' : '/';
  const auto is_separator = [&](char c) { return c == '/' || (separator == '\\' && c == '\\'); };
  std::string joined = folder;
  while (!joined.empty() && is_separator(joined.back())) joined.pop_back();
  std::string::size_type start = 0;
  while (start < relative.size() && is_separator(relative[start])) ++start;
  return joined + separator + relative.substr(start);
}

}  // namespace scanhook::support
