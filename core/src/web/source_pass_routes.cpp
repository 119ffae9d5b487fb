#include "scanhook/core/web/source_pass_routes.hpp"

#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

SourcePassRoutes::SourcePassRoutes(std::vector<PassSource> sources, Deliver deliver, UserAuth* auth)
    : sources_(std::move(sources)), deliver_(std::move(deliver)), auth_(auth) {}

std::optional<HttpReply> SourcePassRoutes::refusal(const PassSource& source,
                                                   const HttpRequest& request) const {
  return auth_ ? auth_->pass_refusal(source.name, request) : std::nullopt;
}

// A one-segment path that is no pass. Only a segment of a pass's length can
// be a guess at it (favicon.ico, robots.txt and scanners' paths mostly are
// not): it counts against that source for this client, and once the client is
// blocked there it is answered 429, as the right pass would be (no oracle).
// Any other segment is an unknown path: 404, counted against no one.
HttpReply SourcePassRoutes::wrong_pass(const HttpRequest& request) const {
  const auto first = request.path.find_first_not_of('/');
  const auto last = request.path.find_last_not_of('/');
  const std::size_t length = first == std::string::npos ? 0 : last + 1 - first;  // the segment's
  std::vector<const PassSource*> guessed;
  for (const PassSource& source : sources_)
    if (source.pass.size() == length) guessed.push_back(&source);
  for (const PassSource* source : guessed)
    if (auto refused = refusal(*source, request)) return std::move(*refused);
  if (auth_)
    for (const PassSource* source : guessed) auth_->record_wrong_pass(source->name, request);
  // What any unknown path gets (the HTTP server's own answer).
  return json_error(404, "no such route: " + utf8_text(request.path));
}

void SourcePassRoutes::register_routes(Router& router) const {
  const auto miss = [this](const HttpRequest& request, const RouteParams&) {
    return wrong_pass(request);
  };
  for (const PassSource& source : sources_) {
    router.add_secret(
        "GET", "/{secret}", source.pass, Access::webhook,
        [this, &source](const HttpRequest& request, const RouteParams&) {
          if (auto refused = refusal(source, request)) return std::move(*refused);
          return get(source, request);
        },
        miss);
    router.add_secret(
        "POST", "/{secret}", source.pass, Access::webhook,
        [this, &source](const HttpRequest& request, const RouteParams&) {
          if (auto refused = refusal(source, request)) return std::move(*refused);
          return post(source, request);
        },
        miss);
  }
}

HttpReply SourcePassRoutes::get(const PassSource& source, const HttpRequest& request) {
  if (source.forwarding == nullptr)
    return json_error(405, "the source " + source.name + " takes webhooks here by POST");
  return source.forwarding->page(request);
}

HttpReply SourcePassRoutes::post(const PassSource& source, const HttpRequest& request) const {
  HttpRequest delivered = request;
  delivered.path = "/triggers/" + source.name;
  return deliver_(source.name, delivered);
}

}  // namespace scanhook::core
