#include "scanhook/support/lookup_target.hpp"

#include <map>
#include <utility>

namespace scanhook::support {

LookupTarget::LookupTarget(std::shared_ptr<const ServerApi> api, LookupRoutes routes,
                           MatchRules rules, std::chrono::milliseconds listing_refresh,
                           std::size_t max_batch)
    : api_(std::move(api)),
      routes_(std::move(routes)),
      listing_([this] { return discover(); }, listing_refresh, std::move(rules)),
      max_batch_(max_batch) {}

Discovery LookupTarget::discover() const {
  return read_listing(*api_, routes_.listing, routes_.parse_listing);
}

std::vector<Result> LookupTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results(folders.size());
  // Each distinct request once, in the order first asked; the folders it serves.
  std::vector<std::pair<LookupRequest, std::vector<std::size_t>>> requests;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  bool may_rediscover = true;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const LibraryMatch match = listing_.resolve(folders[i].path, may_rediscover);
    if (match.verdict.status == Status::rejected) {
      results[i] = match.verdict;
      continue;
    }
    // The listing could not be read: the server is the problem, not the folder.
    if (match.verdict.status != Status::ok)
      return std::vector<Result>(folders.size(), match.verdict);
    LookupRequest request =
        routes_.request_for(match.libraries.front(), match.server_paths.front(), folders[i]);
    const auto key = std::make_pair(request.route, request.body);
    const auto [at, added] = seen.emplace(key, requests.size());
    if (added) requests.push_back({std::move(request), {}});
    requests[at->second].second.push_back(i);
  }
  Result stopped;  // ok until the server answers `unavailable`
  for (const auto& [request, indexes] : requests) {
    Result sent = stopped;
    if (stopped.status == Status::ok) {
      const auto response = api_->post_json(request.route, request.body);
      sent = api_->verdict(response, "POST " + request.route, Scope::folder);
      if (sent.status == Status::unavailable) stopped = sent;
    }
    for (const std::size_t i : indexes) results[i] = sent;
  }
  return results;
}

Result LookupTarget::on_probe() {
  if (!routes_.public_probe.empty()) {
    const Result alive =
        api_->public_verdict(api_->get_public(routes_.public_probe), "GET " + routes_.public_probe);
    if (alive.status != Status::ok) return alive;
  }
  return listing_.refresh().result;  // proves the token too
}

Explanation LookupTarget::on_explain(const ScanFolder& folder) {
  bool may_rediscover = true;
  const LibraryMatch match = listing_.resolve(folder.path, may_rediscover);
  if (match.verdict.status != Status::ok) return {match.verdict, {}, {}};
  const LookupRequest request =
      routes_.request_for(match.libraries.front(), match.server_paths.front(), folder);
  return {Result::ok(),
          library_titles({match.libraries.front()}),
          {{"POST", api_->url(request.route), request.body}}};
}

}  // namespace scanhook::support
