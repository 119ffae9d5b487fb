#include "scanhook/support/media_browser_target.hpp"

#include <exception>

#include "scanhook/support/json_tree.hpp"
#include "scanhook/support/media_updated.hpp"

namespace scanhook::support {

namespace {

// /System/Info/Public's "Version" (Jellyfin: "10.10.7", Emby: "4.8.10.0"), or
// "" when the body does not say (it is only shown).
std::string public_info_version(const std::string& body) {
  const auto tree = JsonTree::parse(body);
  if (!tree || tree->type(0) != JsonTree::Type::object) return "";
  const auto version = tree->member(0, "Version");
  if (version == JsonTree::kNone || tree->type(version) != JsonTree::Type::string) return "";
  return std::string(tree->value(version));
}

}  // namespace

MediaBrowserTarget::MediaBrowserTarget(std::shared_ptr<const ServerApi> api,
                                       MediaBrowserRoutes routes,
                                       std::chrono::milliseconds library_refresh)
    : api_(std::move(api)),
      routes_(std::move(routes)),
      libraries_([this] { return discover(); }, library_refresh, api_->product()) {
  api_->host().offer_description(*this);
}

Discovery MediaBrowserTarget::discover() const {
  return read_listing(*api_, routes_.libraries, routes_.parse_libraries, routes_.not_found_hint);
}

std::vector<Result> MediaBrowserTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results(folders.size());
  std::vector<ScanFolder> updates;
  std::vector<std::size_t> update_indexes;
  bool may_rediscover = true;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const LibraryMatch match = libraries_.resolve(folders[i].path, may_rediscover);
    if (match.verdict.status == Status::rejected) {
      results[i] = match.verdict;
      continue;
    }
    if (match.verdict.status != Status::ok) {
      // The library list could not be read: the server is the problem, not the folder.
      return std::vector<Result>(folders.size(), match.verdict);
    }
    // The path as the server wrote its library location (a Windows server: T:\tv\Show).
    updates.push_back(folders[i]);
    updates.back().path = match.server_paths.front();
    update_indexes.push_back(i);
  }
  if (updates.empty()) return results;
  const auto response = api_->post_json(kMediaUpdated, media_updated_body(updates));
  const Result sent = api_->verdict(response, std::string("POST ") + kMediaUpdated, Scope::folder);
  for (const std::size_t i : update_indexes) results[i] = sent;
  return results;
}

Result MediaBrowserTarget::on_probe() {
  const Result info =
      api_->public_verdict(api_->get_public(routes_.public_info), "GET " + routes_.public_info);
  if (info.status != Status::ok) return info;
  return libraries_.refresh().result;  // proves the token too
}

TargetDescription MediaBrowserTarget::on_describe() {
  TargetDescription description{Result::ok(), api_->product(), "", {}};
  const auto info = api_->get_public(routes_.public_info);
  description.state = api_->public_verdict(info, "GET " + routes_.public_info);
  if (description.state.status != Status::ok) return description;
  description.version = public_info_version(info.body);
  const Discovery found = libraries_.refresh();  // proves the token too
  description.state = found.result;
  description.libraries = media_libraries(found.libraries);
  return description;
}

Explanation MediaBrowserTarget::on_explain(const ScanFolder& folder) {
  bool may_rediscover = true;
  const LibraryMatch match = libraries_.resolve(folder.path, may_rediscover);
  if (match.verdict.status != Status::ok) return {match.verdict, {}, {}};
  ScanFolder update = folder;
  update.path = match.server_paths.front();
  return {Result::ok(),
          library_titles(match.libraries),
          {{"POST", api_->url(kMediaUpdated), media_updated_body({update})}}};
}

}  // namespace scanhook::support
