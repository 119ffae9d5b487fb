#include "scanhook/support/library_cache.hpp"

namespace scanhook::support {

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
