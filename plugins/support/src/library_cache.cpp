#include "scanhook/support/library_cache.hpp"

#include <exception>

namespace scanhook::support {

Discovery read_listing(const ServerApi& api, const std::string& route, const ListingParser& parse,
                       const std::string& not_found_hint) {
  const std::string request = "GET " + route;
  const auto response = api.get(route);
  Result result = api.verdict(response, request);
  if (response.status == 404 && !not_found_hint.empty()) result.reason += " " + not_found_hint;
  if (result.status != Status::ok) return {result, {}};
  try {
    return {Result::ok(), parse(response.body)};
  } catch (const std::exception& error) {
    return {api.unreadable(response, request, error.what()), {}};
  }
}

LibraryCache::LibraryCache(Discover discover, std::chrono::milliseconds lifetime,
                           std::string product)
    : LibraryCache(std::move(discover), lifetime, MatchRules{std::move(product)}) {}

LibraryCache::LibraryCache(Discover discover, std::chrono::milliseconds lifetime, MatchRules rules)
    : discover_(std::move(discover)), lifetime_(lifetime), rules_(std::move(rules)) {}

Discovery LibraryCache::current() {
  {
    std::lock_guard lock(mutex_);
    if (libraries_ && Clock::now() - read_at_ < lifetime_) return {Result::ok(), *libraries_};
  }
  return refresh();
}

Discovery LibraryCache::refresh() {
  Discovery found = discover_();
  if (found.result.status != Status::ok) return found;
  std::lock_guard lock(mutex_);
  libraries_ = found.libraries;
  read_at_ = Clock::now();
  return found;
}

LibraryMatch LibraryCache::resolve(const std::string& folder, bool& may_rediscover) {
  Discovery found = current();
  if (found.result.status != Status::ok) return {found.result, {}, {}};
  LibraryMatch match = match_libraries(folder, found.libraries, rules_);
  if (match.verdict.status == Status::ok || match.only_roots || !may_rediscover) return match;
  may_rediscover = false;
  found = refresh();
  if (found.result.status != Status::ok) return {found.result, {}, {}};
  return match_libraries(folder, found.libraries, rules_);
}

}  // namespace scanhook::support
