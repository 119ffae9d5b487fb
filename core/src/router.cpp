#include "scanhook/core/router.hpp"

#include <algorithm>

namespace scanhook::core {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool match(const std::string& pattern, const std::string& path, RouteParams& params) {
  const auto want = split_path(pattern);
  const auto have = split_path(path);
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*") {
      std::string rest;
      for (std::size_t j = i; j < have.size(); ++j) rest += (j > i ? "/" : "") + have[j];
      params["*"] = rest;
      return true;
    }
    if (i >= have.size()) return false;
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}')
      params[want[i].substr(1, want[i].size() - 2)] = have[i];
    else if (want[i] != have[i])
      return false;
  }
  return want.size() == have.size();
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Access access,
                 RouteHandler handler) {
  routes_.push_back({method, pattern, access, std::move(handler)});
}

RouteLookup Router::find(const std::string& method, const std::string& path) const {
  RouteLookup lookup;
  RouteParams params;
  for (const auto& route : routes_) {
    if (!match(route.pattern, path, params)) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      lookup.route = &route;
      lookup.params = params;
      return lookup;
    }
    if (std::find(lookup.allowed_methods.begin(), lookup.allowed_methods.end(), route.method) ==
        lookup.allowed_methods.end())
      lookup.allowed_methods.push_back(route.method);
  }
  return lookup;
}

}  // namespace scanhook::core
