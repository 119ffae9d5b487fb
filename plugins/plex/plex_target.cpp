#include "plex_target.hpp"

#include <exception>
#include <optional>

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
  std::optional<Result> server_down;
  for (const auto& folder : folders) {
    if (!server_down) {
      results.push_back(scan_folder(folder, may_rediscover));
      if (results.back().status == Status::unavailable) server_down = results.back();
      continue;
    }
    // Plex is unreachable or refuses the token: the other folders would fare the same, except
    // one in no section, which is judged from the sections already read (no request).
    bool no_rediscovery = false;
    const auto match = sections_.resolve(folder.path, no_rediscovery);
    results.push_back(match.verdict.status == Status::rejected ? match.verdict : *server_down);
  }
  return results;
}

Result PlexTarget::scan_folder(const ScanFolder& folder, bool& may_rediscover) {
  for (int attempt = 0;; ++attempt) {
    const auto match = sections_.resolve(folder.path, may_rediscover);
    if (match.verdict.status != Status::ok) return match.verdict;
    Result outcome = Result::ok();
    const support::Library* refused = nullptr;  // the section that answered 404 first
    for (std::size_t i = 0; i < match.libraries.size(); ++i) {
      const auto& section = match.libraries[i];
      const std::string route = refresh_route(section.key, match.server_paths[i]);
      const auto response = api_->get(route);
      if (response.status == 404 && attempt == 0) {
        refused = &section;
        break;
      }
      Result result = Result::ok();
      if (response.status == 404) {
        // The sections were read again just now and still list this one: Plex itself is up
        // and the url right, so this is the folder's failure, retried with backoff.
        result = Result::retry("Plex answered HTTP 404 on GET " + route + ", though " + kSections +
                               ", read again just now, lists " + section.title + " (section " +
                               section.key +
                               "): Plex refuses this section's refresh; trying the folder again "
                               "later");
      } else {
        result = api_->verdict(response, "GET " + route, support::Scope::folder);
      }
      if (severity(result.status) > severity(outcome.status)) outcome = result;
    }
    if (refused == nullptr) return outcome;
    api_->host().log(LogLevel::info, "Plex answered HTTP 404 to the refresh of " + refused->title +
                                         " (section " + refused->key + ") for " + folder.path +
                                         ": reading the sections again (removed or renumbered?)");
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
