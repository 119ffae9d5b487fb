#include "forward_target.hpp"

#include "scanhook/http.hpp"

namespace scanhook::forward {

ForwardTarget::ForwardTarget(std::shared_ptr<const support::ServerApi> api, Receiver receiver,
                             std::size_t max_batch)
    : api_(std::move(api)), receiver_(receiver), max_batch_(max_batch) {}

std::string ForwardTarget::route_for(const std::vector<ScanFolder>& folders) const {
  if (receiver_ == Receiver::scanhook) return "/api/scan";
  std::string route = "/triggers/manual";
  for (std::size_t i = 0; i < folders.size(); ++i)
    route += (i == 0 ? "?dir=" : "&dir=") + support::url_encode(folders[i].path);
  return route;
}

PlannedRequest ForwardTarget::request_for(const std::vector<ScanFolder>& folders) const {
  std::string body;
  if (receiver_ == Receiver::scanhook) {
    body = "{\"paths\":[";
    for (std::size_t i = 0; i < folders.size(); ++i)
      body += (i == 0 ? "" : ",") + json_quote(folders[i].path);
    body += "]}";
  }
  return {"POST", route_for(folders), body};
}

std::vector<std::vector<ScanFolder>> ForwardTarget::requests_of(
    const std::vector<ScanFolder>& folders) const {
  if (receiver_ == Receiver::scanhook) return {folders};
  std::vector<std::vector<ScanFolder>> requests;
  std::size_t bytes = 0;
  for (const auto& folder : folders) {
    const std::size_t size = support::url_encode(folder.path).size() + 5;  // "&dir="
    if (requests.empty() || bytes + size > kMostQueryBytes) {
      requests.emplace_back();
      bytes = 0;
    }
    requests.back().push_back(folder);
    bytes += size;
  }
  return requests;
}

Result ForwardTarget::send(const std::vector<ScanFolder>& folders, int& status) const {
  const PlannedRequest request = request_for(folders);
  const auto response = api_->post_json(request.url, request.body);
  status = response.status;
  return api_->verdict(response, "POST " + request.url.substr(0, request.url.find('?')),
                       support::Scope::folder);
}

void ForwardTarget::deliver(const std::vector<ScanFolder>& folders,
                            std::vector<Result>& results) const {
  int status = 0;
  const Result verdict = send(folders, status);
  // 413: more paths than the receiver takes at once; a rejection: some path
  // it refuses. Halving finds either in a few requests, and the rest arrive.
  if (folders.size() > 1 && (status == 413 || verdict.status == Status::rejected)) {
    const auto middle = folders.begin() + static_cast<std::ptrdiff_t>(folders.size() / 2);
    deliver({folders.begin(), middle}, results);
    deliver({middle, folders.end()}, results);
    return;
  }
  results.insert(results.end(), folders.size(), verdict);
}

std::vector<Result> ForwardTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results;
  for (const auto& request : requests_of(folders)) deliver(request, results);
  return results;
}

Result ForwardTarget::on_probe() {
  const std::string route = receiver_ == Receiver::scanhook ? "/api/targets" : "/triggers/manual";
  return api_->verdict(api_->get(route), "GET " + route);
}

Explanation ForwardTarget::on_explain(const ScanFolder& folder) {
  PlannedRequest request = request_for({folder});
  request.url = api_->url(request.url);
  return {Result::ok(), receiver_ == Receiver::scanhook ? "scanhook" : "autoscan", {request}};
}

}  // namespace scanhook::forward
