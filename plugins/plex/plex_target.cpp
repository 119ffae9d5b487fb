#include "plex_target.hpp"

#include <exception>

#include "plex_api.hpp"

namespace scanhook::plex {

namespace {

int severity(Status status) {
  switch (status) {
    case Status::ok: return 0;
    case Status::rejected: return 1;
    case Status::retry: return 2;
    case Status::unavailable: return 3;
  }
  return 3;
}

std::string describe_sections(const std::vector<support::Library>& sections) {
  std::string text;
  for (const auto& section : sections)
    text += (text.empty() ? "" : ", ") + section.title + " (section " + section.key + ")";
  return text;
}

}  // namespace

PlexTarget::PlexTarget(std::shared_ptr<const support::ServerApi> api,
                       std::chrono::milliseconds library_refresh)
    : api_(std::move(api)), sections_([this] { return discover(); }, library_refresh, kProduct) {
  api_->host().offer_description(*this);
}

support::Discovery PlexTarget::discover() const {
  const std::string request = std::string("GET ") + kSections;
  const auto response = api_->get(kSections);
  const Result result = api_->verdict(response, request);
  if (result.status != Status::ok) return {result, {}};
  try {
    return {Result::ok(), parse_sections(response.body)};
  } catch (const std::exception& error) {
    return {api_->unreadable(response, request, error.what()), {}};
  }
}

std::vector<Result> PlexTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results;
  bool may_rediscover = true;
  for (const auto& folder : folders) {
    // Once Plex is unreachable or refuses the token, the rest of the batch would fare the same.
    if (!results.empty() && results.back().status == Status::unavailable) {
      results.push_back(results.back());
      continue;
    }
    results.push_back(scan_folder(folder, may_rediscover));
  }
  return results;
}

Result PlexTarget::scan_folder(const ScanFolder& folder, bool& may_rediscover) {
  for (int attempt = 0;; ++attempt) {
    const auto match = sections_.resolve(folder.path, may_rediscover);
    if (match.verdict.status != Status::ok) return match.verdict;
    Result outcome = Result::ok();
    bool section_gone = false;
    for (std::size_t i = 0; i < match.libraries.size(); ++i) {
      const std::string route = refresh_route(match.libraries[i].key, match.server_paths[i]);
      const auto response = api_->get(route);
      if (response.status == 404 && attempt == 0) {
        section_gone = true;
        break;
      }
      const Result result = api_->verdict(response, "GET " + route, support::Scope::folder);
      if (severity(result.status) > severity(outcome.status)) outcome = result;
    }
    if (!section_gone) return outcome;
    api_->host().log(LogLevel::info, "Plex no longer has a section that owned " + folder.path +
                                         ": reading the sections again");
    const auto found = sections_.refresh();
    if (found.result.status != Status::ok) return found.result;
  }
}

Result PlexTarget::on_probe() {
  const Result identity =
      api_->public_verdict(api_->get_public(kIdentity), std::string("GET ") + kIdentity);
  if (identity.status != Status::ok) return identity;
  return sections_.refresh().result;  // proves the token too
}

TargetDescription PlexTarget::on_describe() {
  TargetDescription description{Result::ok(), "Plex Media Server", "", {}};
  const auto identity = api_->get_public(kIdentity);
  description.state = api_->public_verdict(identity, std::string("GET ") + kIdentity);
  if (description.state.status != Status::ok) return description;
  description.version = parse_identity_version(identity.body);
  const auto found = sections_.refresh();  // proves the token too
  description.state = found.result;
  description.libraries = support::media_libraries(found.libraries);
  return description;
}

Explanation PlexTarget::on_explain(const ScanFolder& folder) {
  bool may_rediscover = true;
  const auto match = sections_.resolve(folder.path, may_rediscover);
  if (match.verdict.status != Status::ok) return {match.verdict, {}, {}};
  Explanation explanation{Result::ok(), describe_sections(match.libraries), {}};
  for (std::size_t i = 0; i < match.libraries.size(); ++i)
    explanation.requests.push_back(
        {"GET", api_->url(refresh_route(match.libraries[i].key, match.server_paths[i])), ""});
  return explanation;
}

}  // namespace scanhook::plex
