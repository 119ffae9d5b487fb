#include "scanhook/core/web/login_routes.hpp"

#include "scanhook/core/http/form_body.hpp"
#include "scanhook/core/web/web_assets.hpp"

namespace scanhook::core {

namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

HttpReply redirect(const std::string& location) {
  return {303,
          "text/plain; charset=utf-8",
          "",
          {{"Location", location}, {"Cache-Control", "no-store"}}};
}

// login.html with the message (if any) in its alert slot.
HttpReply login_page(int status, const std::string& message) {
  const WebAsset* page = find_web_asset("login.html");
  if (page == nullptr) return json_error(500, "the login page is missing from this build");
  std::string html(page->body);
  const std::string slot = "<!--message-->";
  if (const auto at = html.find(slot); at != std::string::npos && !message.empty())
    html.replace(at, slot.size(),
                 "<p class=\"alert alert-error\" role=\"alert\">" + html_escape(message) + "</p>");
  return {status, "text/html; charset=utf-8", html, {{"Cache-Control", "no-store"}}};
}

}  // namespace

void add_login_routes(Router& router, UserAuth& auth) {
  router.add("GET", "/login", Access::open,
             [&auth](const HttpRequest& request, const RouteParams&) {
               if (!auth.login_required() || auth.session_of(request)) return redirect("/");
               return login_page(200, "");
             });

  router.add("POST", "/login", Access::open,
             [&auth](const HttpRequest& request, const RouteParams&) {
               if (is_cross_site(request)) return login_page(403, "cross-site login refused");
               if (!auth.login_required()) return redirect("/");
               const std::string client = auth.client_address(request);
               if (const auto wait = auth.login_limiter().wait_time(client)) {
                 HttpReply reply = login_page(429, too_many_logins_message(*wait));
                 reply.headers.emplace_back("Retry-After", std::to_string(wait->count()));
                 return reply;
               }
               std::string username, password;
               try {
                 username = form_field(request.body, "username");
                 password = form_field(request.body, "password");
               } catch (const FormError& error) {
                 return login_page(400, error.what());
               }
               if (!auth.credentials_match(username, password)) {
                 auth.login_limiter().record_failure(client);
                 return login_page(401, "Wrong username or password.");
               }
               auth.login_limiter().record_success(client);
               // A fresh id at every login: an id planted before login is never promoted.
               if (const auto old = cookie_value(request, kSessionCookie))
                 auth.sessions().remove(*old);
               const Session session = auth.sessions().create(username);
               HttpReply reply = redirect("/");
               reply.headers.emplace_back("Set-Cookie", session_cookie_header(session, request));
               return reply;
             });

  router.add("POST", "/logout", Access::user,
             [&auth](const HttpRequest& request, const RouteParams&) {
               if (const auto id = cookie_value(request, kSessionCookie))
                 auth.sessions().remove(*id);
               return HttpReply{200,
                                "application/json",
                                "{\"signed_out\":true}",
                                {{"Set-Cookie", cleared_session_cookie_header(request)}}};
             });

  router.add("GET", "/api/session", Access::user,
             [&auth](const HttpRequest& request, const RouteParams&) {
               const auto session = auth.session_of(request);
               const std::string user = session ? session->user : "";
               // Basic callers have no session and need no token.
               const std::string body =
                   std::string("{\"user\":") + (user.empty() ? "null" : json_quote(user)) +
                   ",\"csrf_token\":" + (session ? json_quote(session->csrf_token) : "null") +
                   ",\"login_required\":" + (auth.login_required() ? "true" : "false") + "}";
               return HttpReply{200, "application/json", body, {{"Cache-Control", "no-store"}}};
             });
}

}  // namespace scanhook::core
