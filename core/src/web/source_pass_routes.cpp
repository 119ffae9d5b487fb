#include "scanhook/core/web/source_pass_routes.hpp"

#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

SourcePassRoutes::SourcePassRoutes(std::vector<PassSource> sources, Deliver deliver, UserAuth* auth)
    : sources_(std::move(sources)), deliver_(std::move(deliver)), auth_(auth) {}

std::optional<HttpReply> SourcePassRoutes::refusal(const HttpRequest& request) const {
  return auth_ ? auth_->pass_refusal(request) : std::nullopt;
}

void SourcePassRoutes::register_routes(Router& router) const {
  // A client refused for guessing is refused the right pass too: no oracle.
  const auto wrong_pass = [this](const HttpRequest& request, const RouteParams&) {
    if (auto refused = refusal(request)) return std::move(*refused);
    if (auth_) auth_->record_wrong_pass(request);
    // What any unknown path gets (the HTTP server's own answer).
    return json_error(404, "no such route: " + utf8_text(request.path));
  };
  for (const PassSource& source : sources_) {
    router.add_secret(
        "GET", "/{secret}", source.pass, Access::webhook,
        [this, &source](const HttpRequest& request, const RouteParams&) {
          if (auto refused = refusal(request)) return std::move(*refused);
          return get(source, request);
        },
        wrong_pass);
    router.add_secret(
        "POST", "/{secret}", source.pass, Access::webhook,
        [this, &source](const HttpRequest& request, const RouteParams&) {
          if (auto refused = refusal(request)) return std::move(*refused);
          return post(source, request);
        },
        wrong_pass);
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
