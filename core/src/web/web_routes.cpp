#include "scanhook/core/web/web_routes.hpp"

#include "scanhook/core/web/web_assets.hpp"

namespace scanhook::core {

void add_web_routes(Router& router, UserAuth& auth, const Config& config) {
  router.add("GET", "/", Access::open, [&auth](const HttpRequest& request, const RouteParams&) {
    const WebAsset* page = find_web_asset("index.html");
    if (page == nullptr) return json_error(500, "the web UI is missing from this build");
    if (auth.session_of(request)) return asset_reply(*page, request);
    if (auth.login_required())
      return HttpReply{303, "text/plain; charset=utf-8", "", {{"Location", "/login"}}};
    // No credentials: every visitor gets a session at once, so the UI works as
    // with a login (its scripts read /api/session); cross-site changes are
    // refused whatever the session (UserAuth::check).
    HttpReply reply = asset_reply(*page, request);
    reply.headers.emplace_back("Set-Cookie",
                               session_cookie_header(auth.sessions().create(""), request));
    return reply;
  });

  router.add("GET", "/assets/*", Access::open,
             [](const HttpRequest& request, const RouteParams& params) {
               const WebAsset* asset = find_web_asset("assets/" + params.at("*"));
               if (asset == nullptr) return json_error(404, "no such file: " + request.path);
               return asset_reply(*asset, request);
             });

  router.add(
      "GET", "/api/services", Access::user, [&config](const HttpRequest&, const RouteParams&) {
        std::string body = "{\"services\":[";
        bool first = true;
        for (const auto& instance : config.instances) {
          if (instance.role != Role::service) continue;
          body += std::string(first ? "" : ",") + "{\"instance\":" + json_quote(instance.instance) +
                  ",\"plugin\":" + json_quote(instance.plugin->name()) + "}";
          first = false;
        }
        return HttpReply{200, "application/json", body + "]}", {}};
      });
}

}  // namespace scanhook::core
