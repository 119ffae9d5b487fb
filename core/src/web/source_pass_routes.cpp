#include "scanhook/core/web/source_pass_routes.hpp"

#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

SourcePassRoutes::SourcePassRoutes(std::vector<PassSource> sources, WebhookSources& webhooks)
    : sources_(std::move(sources)), webhooks_(webhooks) {}

void SourcePassRoutes::register_routes(Router& router) const {
  // What any unknown path gets (the HTTP server's own answer).
  const auto wrong_pass = [](const HttpRequest& request, const RouteParams&) {
    return json_error(404, "no such route: " + utf8_text(request.path));
  };
  for (const PassSource& source : sources_) {
    router.add_secret(
        "GET", "/{secret}", source.pass, source.name,
        [&source](const HttpRequest& request, const RouteParams&, const Respond& respond) {
          respond(get(source, request));
        },
        wrong_pass);
    router.add_secret(
        "POST", "/{secret}", source.pass, source.name,
        [this, &source](const HttpRequest& request, const RouteParams&, const Respond& respond) {
          post(source, request, respond);
        },
        wrong_pass,
        [this, &source](const HttpRequest& request, const RouteParams&, const std::string& why) {
          webhooks_.keep_refused(source.name, request, why);
        });
  }
}

HttpReply SourcePassRoutes::get(const PassSource& source, const HttpRequest& request) {
  if (source.forwarding == nullptr)
    return json_error(405, "the source " + source.name + " takes webhooks here by POST");
  return source.forwarding->page(request);
}

void SourcePassRoutes::post(const PassSource& source, const HttpRequest& request,
                            const Respond& respond) const {
  HttpRequest delivered = request;
  delivered.path = "/triggers/" + source.name;
  webhooks_.deliver(source.name, delivered, respond);
}

}  // namespace scanhook::core
