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

Result ForwardTarget::send(const std::vector<ScanFolder>& folders) const {
  const PlannedRequest request = request_for(folders);
  const auto response = api_->post_json(request.url, request.body);
  return api_->verdict(response, "POST " + request.url.substr(0, request.url.find('?')),
                       support::Scope::folder);
}

std::vector<Result> ForwardTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results;
  for (const auto& request : requests_of(folders)) {
    Result verdict = send(request);
    if (verdict.status == Status::rejected && request.size() > 1) {
      // The receiver refused the request over one path: find which, so the rest get through.
      for (const auto& folder : request) results.push_back(send({folder}));
      continue;
    }
    results.insert(results.end(), request.size(), verdict);
  }
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
